/**
 * How long the primary waits before it restarts a crashed worker: exponential backoff, driven
 * by the crash window rather than by a counter of its own. The n-th unexpected exit still in
 * the window waits `initialDelayMs * 2^(n-1)`, at most `maxDelayMs`; once old crashes leave
 * the window the delay shrinks again by itself, so a worker that crashed once a day always
 * comes back after the initial delay, and a worker that crashes at start-up backs off fast.
 */
import type { RestartOptions } from './options.js';

/**
 * The delay before a restart, given how many unexpected exits are in the crash window
 * (counting the one being handled).
 *
 * @example
 * restartDelay(1, { initialDelayMs: 100, maxDelayMs: 10_000 }); // 100
 * restartDelay(4, { initialDelayMs: 100, maxDelayMs: 10_000 }); // 800
 */
export function restartDelay(recentExits: number, restart: Required<RestartOptions>): number {
  const doublings = Math.max(0, recentExits - 1);
  // 2 ** 1075 is Infinity: cap the exponent so the min() below is all that limits.
  return Math.min(restart.maxDelayMs, restart.initialDelayMs * 2 ** Math.min(doublings, 64));
}
