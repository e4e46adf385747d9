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
