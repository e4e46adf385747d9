/**
 * Which task is running right now, and in which cancel scope. Generator steps run
 * synchronously inside the loop, so a module variable (`runningFiber`) names them at no cost.
 * Async functions resume from microtasks, so their context travels with them in an
 * `AsyncLocalStorage` (about 10 ns per await on Node 24's AsyncContextFrame, more on Node
 * 20's promise hooks: see docs/benchmarks.md). `currentContext` checks the cheap one first.
 *
 * The context of async code is also the continuation its next `await` parks, when it has no
 * other await pending (`claimAwait`): the task itself for its body, a scope's body context
 * inside `withTimeout(ms, async () => ...)`. Only a second concurrent await (`Promise.all` of
 * operations) costs an object of its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Continuation, WaitingTask } from './continuation.js';
import { InvalidStateError } from './errors.js';
import type { ScopeLike } from './scope.js';

/** Code running in a task: the task, and the cancel scope the code runs in. */
export interface Context {
  readonly task: WaitingTask;
  scope: ScopeLike;
  /**
   * The continuation an `await` in this code parks, if it is free: it takes `resolve` and
   * `reject` as what to call when woken. Null if it is taken (the caller makes an AsyncWait).
   */
  claimAwait(
    resolve: (value: unknown) => unknown,
    reject: ((reason: unknown) => unknown) | undefined,
  ): Continuation | null;
  /** The claimed await completed at once: the continuation is free again. */
  releaseAwait(): void;
}

export const storage = new AsyncLocalStorage<Context>();

let runningFiber: Context | null = null;

/** In `runningFiber` while code that belongs to no task runs (a callback). */
const NO_TASK = Object.freeze({}) as Context;

export function getRunningFiber(): Context | null {
  return runningFiber;
}

export function setRunningFiber(fiber: Context | null): void {
  runningFiber = fiber;
}

/**
 * Calls `fn` as code of no task. The loop may be running inside the AsyncLocalStorage context
 * of the async task whose step just ended (it goes straight on from there), so a callback must
 * not be taken for that task.
 */
export function callOutsideTasks(fn: () => void): void {
  const previous = runningFiber;
  runningFiber = NO_TASK;
  try {
    fn();
  } finally {
    runningFiber = previous;
  }
}

export function currentContext(): Context | undefined {
  const fiber = runningFiber;
  if (fiber !== null) return fiber === NO_TASK ? undefined : fiber;
  return storage.getStore();
}

/** True while async code of a task runs (not a generator step, not a callback). */
export function inAsyncCode(): boolean {
  return runningFiber === null && storage.getStore() !== undefined;
}

export function requireContext(where: string): Context {
  const ctx = currentContext();
  if (ctx === undefined) {
    throw new InvalidStateError(
      `${where} must be called inside a simul task (inside run()); in a generator task, ` +
        'delegate with yield* rather than calling an async helper that awaits simul operations',
    );
  }
  return ctx;
}
