/** The CPU-bound step of the pitfall benchmark, as a job for toThread and toProcess. */
export function burn(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}
