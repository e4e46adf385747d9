/**
 * Checks for the lab's command-line values. Commander hands every option over as the
 * string the user typed; these turn it into a number or throw a UsageError whose message
 * names the flag and quotes what was received, which the `simul` command prints before
 * exiting with status 2.
 */

/** A mistake in how a command was called: shown to the user as is, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'SIMUL_USAGE';
}

/**
 * `value` as a finite number >= 0 (a duration in ms, say).
 *
 * @example
 * parseMs('--delay', '3000'); // 3000
 * parseMs('--delay', 'abc');  // throws UsageError: --delay must be a number >= 0, got "abc"
 */
export function parseMs(flag: string, value: string): number {
  const number = toNumber(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new UsageError(`${flag} must be a number >= 0, got ${JSON.stringify(value)}`);
  }
  return number;
}

/**
 * `value` as a finite number > 0 (a slice of time, a budget).
 *
 * @example
 * parsePositive('--slice-ms', '5'); // 5
 * parsePositive('--slice-ms', '0'); // throws UsageError: --slice-ms must be a number > 0, got "0"
 */
export function parsePositive(flag: string, value: string): number {
  const number = toNumber(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new UsageError(`${flag} must be a number > 0, got ${JSON.stringify(value)}`);
  }
  return number;
}

/**
 * `value` as a whole number >= `min` (a count of tasks, say).
 *
 * @example
 * parseCount('-n', '10', 1); // 10
 * parseCount('-n', '2.5', 1); // throws UsageError: -n must be a whole number >= 1, got "2.5"
 */
export function parseCount(flag: string, value: string, min: number): number {
  const number = toNumber(value);
  if (!Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`${flag} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** Number(), except that a blank string is not 0. */
function toNumber(value: string): number {
  return value.trim() === '' ? NaN : Number(value);
}
