/**
 * `Condition`: wait, holding a lock, until another task says something changed (Trio's
 * `Condition`, asyncio's `Condition`).
 *
 * The design is Trio's: `wait()` releases the lock and parks in the condition's own queue;
 * `notify()` does not wake anyone, it moves waiters (`repark`) to the back of the lock's
 * queue, so they get the lock by hand-off, in order, once the notifier releases it. A
 * notified waiter cancelled before it gets the lock passes its notification on to the next
 * waiter (as asyncio does since 3.13), so `notify()` is never lost to a cancellation. When
 * `wait()` returns, or throws, the lock is held again: a cancelled waiter re-acquires it
 * (that last wait cannot be cancelled) before `CancelledError` reaches its `finally`, which
 * can then release the lock as usual. A waiter whose scope is already cancelled throws
 * before releasing anything.
 */
import type { Continuation } from '../core/continuation.js';
import { currentContext, requireContext } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { Composite } from '../core/composite.js';
import { Operation, reusable } from '../core/operation.js';
import { ParkingLot, LotNode } from '../core/parking-lot.js';
import { runningFiber } from '../core/scoped.js';
import { taskOf, type BodyValue, type Task } from '../core/task.js';
import { checkFunction, checkInteger, show } from '../core/validate.js';
import { Lock, type LockStatistics } from './lock.js';
import { Primitive, showTask, type PrimitiveOptions } from './primitive.js';

/** What `Condition.statistics()` reports. */
export interface ConditionStatistics {
  /** Tasks in `wait()` that have not been notified yet. */
  waiting: number;
  /** The statistics of the underlying lock (notified waiters queue there). */
  lock: LockStatistics;
}

/** Options of `new Condition(lock, options)`. */
export type ConditionOptions = PrimitiveOptions;

/** Releases the lock and parks in the condition's queue, in one step. */
class WaitNotified extends Operation<void> {
  readonly cancellable = true;
  constructor(private readonly cond: Condition) {
    super();
  }
  start(k: Continuation): unknown {
    const cond = this.cond;
    cond.requireOwner(taskOf(k), 'wait()');
    cond.lock.handOff();
    return cond.lot.park(k, this);
  }
  override abort(k: Continuation): void {
    const cond = this.cond;
    const node = k.waitData as LotNode;
    const notified = node.lot === cond.lock.lot;
    cond.lot.remove(k); // from the condition's queue or the lock's, wherever it is
    // A notification must not die with a cancelled waiter: pass it to the next one.
    if (notified) cond.lot.repark(cond.lock.lot, 1);
  }
  describe(k: Continuation | null): string {
    return this.cond.describeWait(k);
  }
}

/** Takes the lock back after a cancelled wait: not cancellable, or `finally` would run without it. */
class Reacquire extends Operation<void> {
  readonly cancellable = false;
  constructor(private readonly cond: Condition) {
    super();
  }
  start(k: Continuation): unknown {
    const lock = this.cond.lock;
    if (lock.owner === null) {
      lock.owner = taskOf(k);
      return undefined;
    }
    return lock.lot.park(k, this);
  }
  override abort(k: Continuation): void {
    this.cond.lock.lot.remove(k);
  }
  describe(k: Continuation | null): string {
    return `${this.cond.describeIn(k)} wait (cancelled, re-acquiring ${this.cond.lock.describeWait(k)})`;
  }
}

/**
 * A condition variable over a `Lock` (a new one unless given). Hold the lock to `wait()`,
 * `notify()` or `notifyAll()`.
 *
 * @example
 * const cond = new Condition();
 * // consumer
 * await cond.withLock(async () => {
 *   await cond.waitFor(() => items.length > 0);
 *   use(items.shift());
 * });
 * // producer
 * await cond.withLock(() => { items.push(item); cond.notify(); });
 */
export class Condition extends Primitive {
  /** The lock the condition is used with. */
  readonly lock: Lock;
  /** @internal Waiters not notified yet. */
  readonly lot = new ParkingLot();
  private readonly waitOp = reusable(new WaitNotified(this));
  private readonly reacquireOp = reusable(new Reacquire(this));

  constructor(lock?: Lock, options?: ConditionOptions) {
    super('Condition', 'Condition(lock, options)', options);
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Condition(lock): lock must be a Lock, got ${show(lock)}`);
    }
    this.lock = lock ?? new Lock();
  }

  /**
   * Acquires the underlying lock.
   *
   * @example
   * await cond.acquire();
   */
  acquire(): Operation<void> {
    return this.lock.acquire();
  }

  /**
   * Releases the underlying lock.
   *
   * @example
   * cond.release();
   */
  release(): void {
    this.lock.release();
  }

  /**
   * Runs `body` holding the underlying lock.
   *
   * @example
   * yield* cond.withLock(function* () { yield* cond.wait(); });
   */
  withLock<R>(body: () => R): Operation<BodyValue<R>> {
    return this.lock.withLock(body);
  }

  /**
   * Releases the lock, waits for a `notify()`, and takes the lock back before returning or
   * throwing. The current task must hold the lock.
   *
   * @example
   * while (!done) yield* cond.wait();
   */
  wait(): Operation<void> {
    return new Composite(`${this}.wait()`, () => this.waitSteps());
  }

  private *waitSteps(): Generator<unknown, void, unknown> {
    const task = runningFiber().task as Task;
    this.requireOwner(task, 'wait()');
    try {
      yield* this.waitOp;
    } catch (error) {
      // Cancelled while parked: get the lock back before the error reaches `finally`.
      if (this.lock.owner !== task) yield* this.reacquireOp;
      throw error;
    }
  }

  /**
   * Waits until `predicate()` returns a truthy value, checking it first and after each
   * notification, and returns that value. The current task must hold the lock.
   *
   * @example
   * const item = await cond.waitFor(() => items.shift());
   */
  waitFor<V>(predicate: () => V): Operation<V> {
    checkFunction(`${this}.waitFor(predicate)`, 'predicate', predicate);
    return new Composite(`${this}.waitFor(${predicate.name || 'predicate'})`, () =>
      this.waitForSteps(predicate),
    );
  }

  private *waitForSteps<V>(predicate: () => V): Generator<unknown, V, unknown> {
    this.requireOwner(runningFiber().task as Task, 'waitFor()');
    for (;;) {
      const value = predicate();
      if (value) return value;
      yield* this.waitSteps();
    }
  }

  /**
   * Wakes up to `n` waiting tasks (default 1), first come first served: they take the lock
   * in turn once it is released. The current task must hold the lock. Returns how many.
   *
   * @example
   * items.push(item);
   * cond.notify();
   */
  notify(n = 1): number {
    checkInteger(`${this}.notify(n)`, 'n', n, 0);
    this.requireOwner(this.currentTask('notify()'), 'notify()');
    return this.lot.repark(this.lock.lot, n);
  }

  /**
   * Wakes every waiting task. The current task must hold the lock. Returns how many.
   *
   * @example
   * closing = true;
   * cond.notifyAll();
   */
  notifyAll(): number {
    this.requireOwner(this.currentTask('notifyAll()'), 'notifyAll()');
    return this.lot.reparkAll(this.lock.lot);
  }

  /**
   * Waiters not yet notified, and the lock's statistics.
   *
   * @example
   * const { waiting } = cond.statistics();
   */
  statistics(): ConditionStatistics {
    return { waiting: this.lot.length, lock: this.lock.statistics() };
  }

  /** @internal */
  requireOwner(task: Task, what: string): void {
    if (this.lock.owner !== task) {
      throw new InvalidStateError(
        `${this.label(task.loop)}.${what}: the current ${showTask(task)} must hold ` +
          `${this.lock.describeIn(task)}`,
      );
    }
  }

  /** @internal */
  describeIn(k: Continuation | null): string {
    return this.label(k?.task.loop);
  }

  /** @internal */
  describeWait(k: Continuation | null): string {
    if (k === null) return `${this.label(null)}.wait()`;
    const node = k.waitData;
    const me = this.label(k.task.loop);
    if (node instanceof LotNode && node.lot === this.lock.lot) {
      return `${me} wait (notified, re-acquiring ${this.lock.describeWait(k)})`;
    }
    return `${me} wait (not notified; ${this.lot.length} task(s) waiting)`;
  }

  private currentTask(what: string): Task {
    return (currentContext() ?? requireContext(`${this}.${what}`)).task as Task;
  }
}
