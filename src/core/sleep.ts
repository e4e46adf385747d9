/**
 * `sleep(ms)` and `yieldNow()`: the talk's `asyncio.sleep(3)` and `sleep(0)`.
 *
 * A sleeping task costs one entry in the loop's timer heap, not a host `setTimeout` of its
 * own, and the `sleep` operation is that entry and its own iterator: `yield* sleep(10)`
 * allocates one object. If the same sleep value is waited on by two tasks at once, the
 * second gets an entry (and iterator) of its own.
 */
import { Continuation, wake, park, PENDING } from './continuation.js';
import { Operation, OpIterator, operationUsed, returnResult, yieldResult } from './operation.js';
import type { TimerEntry } from './timer-heap.js';
import type { Waitable } from './continuation.js';
import { checkMs } from './validate.js';
import { formatMs } from './clock.js';

// States kept in `index` when the entry is not in the heap (>= 0 means it is).
const IDLE = -1;
const CLAIMED = -2; // handed out as an iterator, not yet yielded
const YIELDED = -3; // yielded to the driver, not yet started
const WOKEN = -4; // fired: the iterator's next `next()` returns

class Sleep extends Operation<void> implements TimerEntry, Iterator<Waitable, void, unknown> {
  deadline = 0;
  seq = 0;
  index = IDLE;
  waiter: Continuation | null = null;

  constructor(private readonly ms: number) {
    super();
  }

  get cancellable(): boolean {
    return true;
  }

  override [Symbol.iterator](): Iterator<Waitable, void, unknown> {
    if (this.index !== IDLE) return new OpIterator<void>(this); // in use by another task
    this.index = CLAIMED;
    return this;
  }

  next(value?: unknown): IteratorResult<Waitable, void> {
    if (this.index === CLAIMED) {
      this.index = YIELDED;
      return yieldResult(this);
    }
    this.index = IDLE;
    return returnResult<void>(value);
  }

  throw(error: unknown): IteratorResult<Waitable, void> {
    this.index = IDLE;
    throw error;
  }

  return(value?: unknown): IteratorResult<Waitable, void> {
    this.index = IDLE;
    return returnResult<void>(value);
  }

  start(k: Continuation): unknown {
    if (this.ms === 0) return yieldNowOp.start(k);
    const free = this.index === IDLE || this.index === YIELDED;
    const entry = free ? this : new Sleep(this.ms);
    if (!free) operationUsed(entry); // a timer entry of this sleep, not an operation of its own
    entry.waiter = k;
    k.task.loop.addEntry(entry, this.ms);
    return park(k, this, entry);
  }

  fire(): void {
    const k = this.waiter;
    if (k === null) return; // cancelled between leaving the heap and firing
    this.waiter = null;
    this.index = WOKEN;
    wake(k, true, undefined);
  }

  override abort(k: Continuation): void {
    const entry = k.waitData as Sleep;
    k.task.loop.removeTimer(entry);
    entry.waiter = null;
  }

  describe(k: Continuation | null): string {
    const entry = k?.waitData as Sleep | null | undefined;
    return entry ? `sleep(${this.ms}) until t=${formatMs(entry.deadline)}` : `sleep(${this.ms})`;
  }
}

class YieldNow extends Operation<void> {
  readonly cancellable = true;
  start(k: Continuation): unknown {
    // Not parked: a ready continuation is behind every task already in the ready queue.
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
