/**
 * CPU-bound work for the lab, as jobs for toThread/toProcess and for worker threads and
 * processes: `burn` spins for a time, `spin` for a number of iterations (the same work
 * wherever it runs, for measuring speed-ups).
 */

/** Keeps the CPU busy for `ms` milliseconds; returns how many rounds it did. */
export function burn(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

/** `rounds` rounds of integer arithmetic (an xorshift generator); returns the last value. */
export function spin(rounds: number): number {
  let x = 2463534242;
  for (let i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}
