/** Durations as a chess clock shows them: `h:mm:ss`, or `m:ss` under an hour. */

/**
 * @example
 * clockTime(3_600_000); // '1:00:00'
 * clockTime(65_000);    // '1:05'
 */
export function clockTime(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
