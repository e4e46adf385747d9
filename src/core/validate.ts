/**
 * Argument checks shared by every public function (SPEC §1): each failure names the
 * function, the argument, what was expected and the value received.
 */

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an instance of ${value.constructor?.name ?? 'Object'}`;
}

export function checkMs(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    const kind = typeof value === 'number' ? RangeError : TypeError;
    throw new kind(`${where}: ${name} must be a finite number >= 0, got ${show(value)}`);
  }
  return value;
}

export function checkFunction(where: string, name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new TypeError(`${where}: ${name} must be a function, got ${show(value)}`);
  }
}

export function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const kind = typeof value === 'number' ? RangeError : TypeError;
    throw new kind(`${where}: ${name} must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

export function checkOneOf<T extends string>(
  where: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new TypeError(
      `${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

export function checkObject(where: string, name: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    throw new TypeError(`${where}: ${name} must be an object, got ${show(value)}`);
  }
}

/**
 * The keys of an options type, listed once next to it: the object must name every key of
 * `T` and nothing else (the compiler checks both), so the list cannot drift from the type.
 *
 * @example
 * const QUEUE_KEYS = optionKeys<QueueOptions>({ maxsize: true, name: true });
 */
export function optionKeys<T>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/**
 * Rejects an options object with a key the function does not know. A misspelt option
 * (`maxSize` for `maxsize`, `timeout` where there is none) would otherwise be ignored
 * without a word, and the program would run with the default. Names the key, and the
 * allowed key that was probably meant when one is close (same letters in another case,
 * or one or two typing slips away).
 *
 * @example
 * checkKeys('Queue(options)', 'options', { maxSize: 4 }, ['maxsize', 'name']);
 * // TypeError: Queue(options): unknown option "maxSize"; did you mean "maxsize"?
 */
export function checkKeys(
  where: string,
  name: string,
  value: unknown,
  allowed: readonly string[],
): void {
  if (value === null || typeof value !== 'object') return;
  // Keys are named as the caller writes them, from the top of the options object:
  // "schedule.seed" for options.schedule.seed.
  const prefix = name === 'options' ? '' : `${name.replace(/^options\./, '')}.`;
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const meant = closest(key, allowed);
    throw new TypeError(
      `${where}: unknown option "${prefix}${key}"; ` +
        (meant === undefined
          ? `the options are ${allowed.map((k) => `"${prefix}${k}"`).join(', ')}`
          : `did you mean "${prefix}${meant}"?`),
    );
  }
}

/** The allowed key nearest to `key`, if it is near enough to be what was meant. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const typed = key.toLowerCase();
  // A slip per three letters typed, at most two: "sed" → "seed", "slowStep" → "slowStepMs",
  // but no guess for a short key that shares a letter or two by chance.
  const tolerance = Math.min(2, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= tolerance && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Insertions, deletions, substitutions and swaps of two neighbours needed to turn `a` into
 * `b` (the optimal string alignment distance): "nmae" is one slip from "name", not two.
 */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const substitution = rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(d);
    }
  }
  return rows[a.length][b.length];
}
