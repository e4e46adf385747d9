/** Small text helpers shared by the lab's commands. */

/**
 * A duration in ms as seconds with a fixed number of decimals.
 *
 * @example
 * seconds(3000);     // '3.00 s'
 * seconds(3004.2, 3); // '3.004 s'
 */
export function seconds(ms: number, decimals = 2): string {
  return `${(ms / 1000).toFixed(decimals)} s`;
}

/**
 * Bytes in the unit that keeps 2–3 significant digits.
 *
 * @example
 * bytes(516);        // '516 B'
 * bytes(14_925_824); // '14.2 MB'
 */
export function bytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * A short duration, in the unit that suits it.
 *
 * @example
 * duration(412.3);  // '412 ms'
 * duration(0.0005); // '0.5 µs'
 */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(ms >= 0.01 ? 0 : 1)} µs`;
  return `${(ms * 1_000_000).toFixed(0)} ns`;
}

/**
 * A count, abbreviated past ten thousand.
 *
 * @example
 * count(56);        // '56'
 * count(2_345_678); // '2.3 M'
 */
export function count(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—';
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k`;
  return String(Math.round(n));
}

/** Rows of cells as an aligned text table, the first row its header. */
export function textTable(rows: string[][], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  }
  const pad = (cell: string, i: number): string =>
    cell + ' '.repeat((widths[i] ?? 0) - [...cell].length);
  const lines = rows.map((row) => indent + row.map(pad).join('  ').trimEnd());
  lines.splice(1, 0, indent + widths.map((w) => '─'.repeat(w)).join('  '));
  return lines;
}
