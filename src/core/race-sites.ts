/**
 * Where the program handed a consuming wait (a queue get, a lock acquire) to `Promise.race`
 * or `Promise.any`, for debug mode's dropped-result report. The wait's `then` is called
 * later, from a job of V8's, with none of the program's frames on the stack; so while debug
 * runs, `Promise.race` and `Promise.any` are wrapped to note the caller's stack for each
 * consuming wait they are given (one stack per such call, nothing for any other call).
 */
const sites = new WeakMap<object, Error>();
let originals: { race: typeof Promise.race; any: typeof Promise.any } | null = null;

function isConsuming(value: unknown): value is object {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { consumes?: unknown }).consumes === true
  );
}

function noteSites(values: unknown, caller: (...args: never[]) => unknown): void {
  if (!Array.isArray(values) || !values.some(isConsuming)) return;
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, caller);
  for (const value of values) if (isConsuming(value)) sites.set(value, site as Error);
}

/** Starts noting sites (the first debug run calls it). */
export function watchRaces(): void {
  if (originals !== null) return;
  const race = Promise.race;
  const any = Promise.any;
  originals = { race, any };
  Promise.race = function raceNotingSites<T>(this: PromiseConstructor, values: Iterable<T>) {
    noteSites(values, raceNotingSites);
    return race.call(this, values as readonly T[]);
  } as typeof Promise.race;
  Promise.any = function anyNotingSites<T>(this: PromiseConstructor, values: Iterable<T>) {
    noteSites(values, anyNotingSites);
    return any.call(this, values as readonly T[]);
  } as typeof Promise.any;
}

/** Puts Promise.race and Promise.any back (the last debug run calls it). */
export function unwatchRaces(): void {
  if (originals === null) return;
  Promise.race = originals.race;
  Promise.any = originals.any;
  originals = null;
}

/** The stack where `wait` was last handed to Promise.race/any, if it was. */
export function raceSite(wait: object): Error | undefined {
  return sites.get(wait);
}
