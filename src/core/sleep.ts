/**
 * `sleep(ms)` and `yieldNow()`: the talk's `asyncio.sleep(3)` and `sleep(0)`. A sleeping
 * task is one record in the loop's timer heap, not a host `setTimeout` of its own.
 */
import { Continuation, park, wake, PENDING } from './continuation.js';
import { Operation } from './operation.js';
import type { Timer, TimerAction } from './timer-heap.js';
import { checkMs } from './validate.js';
import { formatMs } from './dump.js';

const wakeSleeper: TimerAction = {
  fire(timer: Timer): void {
    wake(timer.target as Continuation, true, undefined);
  },
};

class Sleep extends Operation<void> {
  readonly cancellable = true;
  constructor(private readonly ms: number) {
    super();
  }
  start(k: Continuation): unknown {
    if (this.ms === 0) return yieldNowOp.start(k);
    return park(k, this, k.task.loop.addTimer(this.ms, wakeSleeper, k));
  }
  override abort(k: Continuation): void {
    if (k.waitData !== null) k.task.loop.removeTimer(k.waitData as Timer);
  }
  describe(k: Continuation | null): string {
    const timer = k?.waitData as Timer | null | undefined;
    return timer ? `sleep(${this.ms}) until t=${formatMs(timer.deadline)}` : `sleep(${this.ms})`;
  }
}

class YieldNow extends Operation<void> {
  readonly cancellable = true;
  start(k: Continuation): unknown {
    // Not parked: a ready continuation is behind every task already in the ready queue.
    k.resumeOk = true;
    k.resumeValue = undefined;
    if (k.task.status === 'running') k.task.status = 'ready';
    k.task.loop.enqueue(k);
    return PENDING;
  }
  describe(): string {
    return 'yieldNow()';
  }
}

const yieldNowOp = new YieldNow();

/**
 * Suspends the current task for `ms` milliseconds of the loop's clock. `sleep(0)` is
 * `yieldNow()`. Cancellable: a cancelled sleep throws CancelledError at once.
 *
 * @example
 * await sleep(3000);          // async function
 * yield* sleep(3000);         // generator function
 */
export function sleep(ms: number): Operation<void> {
  return new Sleep(checkMs('sleep(ms)', 'ms', ms));
}

/**
 * Lets every other ready task run before the current one continues: the talk's `sleep(0)`,
 * to release the CPU inside a long computation.
 *
 * @example
 * for (const chunk of work) { crunch(chunk); await yieldNow(); }
 */
export function yieldNow(): Operation<void> {
  return yieldNowOp;
}
