/**
 * Argument checks of the I/O layer, in the words of SPEC §1: each failure names the function,
 * the argument and the value received. Unknown option keys are rejected by the core's shared
 * `checkKeys` (which also suggests the key that was probably meant).
 */
import { checkKeys as coreCheckKeys, show } from '../core/validate.js';

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
  coreCheckKeys(where, name, options, allowed);
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
