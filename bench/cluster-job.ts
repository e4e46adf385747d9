/**
 * The CPU work of the cluster benchmark: a fixed amount of it (PBKDF2 rounds, native code, so
 * the same work costs the same on Node 20 and Node 24, where a plain JavaScript loop ran at
 * times 4x slower on Node 24 as V8 re-tiered it), so that a request costs the same CPU however
 * busy the machine is. A burn until the clock says 2 ms would do less work when the process
 * is preempted, and flatter a slow setup. The bench calibrates the rounds to ~2 ms here, as
 * the fastest of several timings.
 */
import { pbkdf2Sync } from 'node:crypto';

export function spin(rounds: number): number {
  return pbkdf2Sync('password', 'salt', rounds, 32, 'sha256')[0] as number;
}

/** How many rounds of `spin` take `ms` here: the fastest of `trials` timings. */
export function calibrate(ms: number, trials = 15): number {
  const probe = 10_000;
  spin(probe);
  let best = Infinity;
  for (let t = 0; t < trials; t++) {
    const start = performance.now();
    spin(probe);
    best = Math.min(best, performance.now() - start);
  }
  return Math.round((probe * ms) / best);
}
