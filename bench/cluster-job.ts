/**
 * The CPU work of the cluster benchmark: a fixed number of loop iterations, so that a request
 * costs the same CPU however busy the machine is (a burn until the clock says 2 ms would do
 * less work when the process is preempted, and flatter a slow setup). The bench calibrates
 * the count to ~2 ms on this machine, as the fastest of several timings.
 */
export function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 31) + i) | 0;
  return x;
}

/** How many iterations of `spin` take `ms` here: the fastest of `trials` timings. */
export function calibrate(ms: number, trials = 15): number {
  const probe = 1_000_000;
  spin(probe); // warm up the JIT
  let best = Infinity;
  for (let t = 0; t < trials; t++) {
    const start = performance.now();
    spin(probe);
    best = Math.min(best, performance.now() - start);
  }
  return Math.round((probe * ms) / best);
}
