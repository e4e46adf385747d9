/**
 * Argument checks of the I/O layer, in the words of SPEC §1: each failure names the function,
 * the argument and the value received. `checkKeys` rejects unknown option keys (a local
 * equivalent of the shared helper being added to core/validate.ts; switch to that one once
 * it lands).
 */
import { show } from '../core/validate.js';

export { show, checkMs, checkFunction } from '../core/validate.js';

/** Checks that `options` is undefined or a plain object whose keys are all in `allowed`. */
export function checkOptions(
  where: string,
  options: unknown,
  allowed: readonly string[],
  name = 'options',
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: ${name} must be an object, got ${show(options)}`);
  }
  checkKeys(where, options as object, allowed, name);
}

export function checkKeys(
  where: string,
  options: object,
  allowed: readonly string[],
  name = 'options',
): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `${where}: ${name} has an unknown key ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`,
      );
    }
  }
}

export function checkPort(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) {
    const kind = typeof value === 'number' ? RangeError : TypeError;
    throw new kind(`${where}: ${name} must be an integer from 0 to 65535, got ${show(value)}`);
  }
  return value;
}

export function checkString(where: string, name: string, value: unknown, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${where}: ${name} must be a non-empty string, got ${show(value)}`);
  }
}

export function checkPositiveInteger(where: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const kind = typeof value === 'number' ? RangeError : TypeError;
    throw new kind(`${where}: ${name} must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

export function checkBytes(where: string, name: string, value: unknown): void {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(
      `${where}: ${name} must be a string, a Buffer or a Uint8Array, got ${show(value)}`,
    );
  }
}
