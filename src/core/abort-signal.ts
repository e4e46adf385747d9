/**
 * `abortSignal()`: the bridge from simul's cancellation to every API that takes an
 * `AbortSignal` (fetch, node:fs, node:timers/promises, child_process...). It is the signal of
 * the innermost cancel scope around the caller, so a `withTimeout` deadline aborts the
 * request made inside it, not only the whole task's cancellation.
 */
import { requireContext } from './context.js';

/**
 * The AbortSignal of the innermost enclosing cancel scope (the task, or a `withTimeout`,
 * `moveOnAfter`, `shield` or task group inside it): aborted, with a `CancelledError` as its
 * reason, when that scope or any scope around it is cancelled, unless a shield is in between.
 *
 * @example
 * const res = await withTimeout(5000, () => until(fetch(url, { signal: abortSignal() })));
 */
export function abortSignal(): AbortSignal {
  return requireContext('abortSignal()').scope.signal;
}
