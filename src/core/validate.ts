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
