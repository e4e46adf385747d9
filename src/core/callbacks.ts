/**
 * The callback style of the talk, as asyncio has it: `callSoon(fn)` runs `fn` in the
 * loop's next turn, `callLater(ms, fn)` after `ms` of the loop's clock; both return a
 * handle with `cancel()`. Callbacks run outside any task, so they cannot wait; an error
 * thrown by one fails the run (it is never dropped). `now()` reads the loop's clock.
 */
import { callOutsideTasks, currentContext } from './context.js';
import { InvalidStateError } from './errors.js';
import { getActiveLoop, type Loop } from './loop.js';
import type { Timer } from './timer-heap.js';
import { checkFunction, checkMs } from './validate.js';

export interface CallbackHandle {
  /** Prevents the callback from running, if it has not run yet. */
  cancel(): void;
  /** True once cancelled. */
  readonly cancelled: boolean;
}

class Callback implements CallbackHandle {
  readonly task = null;
  readonly priority = 0;
  cancelled = false;
  timer: Timer | null = null;
  constructor(
    readonly loop: Loop,
    private readonly fn: () => void,
  ) {}
  run(): void {
    if (this.cancelled) return;
    this.cancelled = true; // a handle runs once
    try {
      callOutsideTasks(this.fn);
    } catch (error) {
      this.loop.crash(error);
    }
  }
  cancel(): void {
    this.cancelled = true;
    if (this.timer !== null) this.loop.removeTimer(this.timer);
    this.timer = null;
  }
}

function enqueueCallback(callback: Callback): void {
  callback.timer = null;
  callback.loop.enqueue(callback);
}

/** @internal The running loop, for the functions that need one but no task. */
export function requireLoop(where: string): Loop {
  const loop = currentContext()?.task.loop ?? getActiveLoop();
  if (loop === null || loop.finished) {
    throw new InvalidStateError(`${where} must be called while a simul loop runs (inside run())`);
  }
  return loop;
}

/**
 * Runs `fn` in the loop's next turn.
 *
 * @example
 * callSoon(() => console.log('after the tasks that are ready now'));
 */
export function callSoon(fn: () => void): CallbackHandle {
  checkFunction('callSoon(fn)', 'fn', fn);
  const loop = requireLoop('callSoon()');
  const callback = new Callback(loop, fn);
  loop.enqueue(callback);
  return callback;
}

/**
 * Runs `fn` once `ms` milliseconds of the loop's clock have passed.
 *
 * @example
 * const handle = callLater(1000, () => console.log('a second later'));
 * handle.cancel(); // changed our mind
 */
export function callLater(ms: number, fn: () => void): CallbackHandle {
  checkMs('callLater(ms, fn)', 'ms', ms);
  checkFunction('callLater(ms, fn)', 'fn', fn);
  const loop = requireLoop('callLater()');
  const callback = new Callback(loop, fn);
  callback.timer = loop.addTimer(ms, enqueueCallback, callback);
  return callback;
}

/** The loop's clock in milliseconds: real time since `run` started, or virtual time. */
export function now(): number {
  return requireLoop('now()').now();
}
