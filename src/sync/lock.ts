/**
 * `Lock`: mutual exclusion between tasks, owned by the task that acquired it (Trio's
 * `Lock`, asyncio's `Lock`).
 *
 * Ownership is handed off: `release()` with tasks waiting makes the first of them the owner
 * at once, before it even runs, so no task that arrives later can barge in (FIFO, no
 * starvation) and a wake-up can never be lost between the release and the waiter's turn.
 * A cancelled `acquire()` is removed from the wait-queue and leaves nothing held.
 *
 * An uncontended `acquire()` completes in the same step, without a trip through the loop
 * (the core's rule: an operation that can complete at once does). It is still a cancellation
 * point: in a cancelled scope it throws `CancelledError` even when the lock is free.
 */
import type { Continuation } from '../core/continuation.js';
import { ImmediateOperation, NOT_NOW, type PENDING } from './immediate.js';
import { currentContext, requireContext } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';
import { Composite } from '../core/composite.js';
import { Operation, reusable } from '../core/operation.js';
import { ParkingLot } from '../core/parking-lot.js';
import { taskOf, type BodyValue, type Task } from '../core/task.js';
import { runningFiber } from '../core/scoped.js';
import { runBody } from '../core/body.js';
import { checkFunction } from '../core/validate.js';
import { Primitive, showTask, type PrimitiveOptions } from './primitive.js';

/** What `Lock.statistics()` reports. */
export interface LockStatistics {
  /** Whether some task holds the lock. */
  locked: boolean;
  /** The task that holds it, or null. */
  owner: Task | null;
  /** How many tasks wait to acquire it. */
  waiting: number;
}

/** Options of `new Lock(options)`. */
export type LockOptions = PrimitiveOptions;

class Acquire extends ImmediateOperation<void> {
  /** It takes something when it completes (for debug mode's dropped-result report). */
  readonly consumes = true;
  constructor(private readonly lock: Lock) {
    super();
  }
  protected attempt(task: Task): unknown {
    const lock = this.lock;
    const owner = lock.owner;
    if (owner === null) {
      lock.owner = task;
      return undefined;
    }
    if (owner === task) {
      throw new InvalidStateError(
        `${lock.describeIn(task)}.acquire(): ${showTask(owner)} already holds this lock ` +
          '(a Lock is not re-entrant: acquiring it again would wait forever)',
      );
    }
    return NOT_NOW;
  }
  protected wait(k: Continuation): typeof PENDING {
    return this.lock.lot.park(k, this);
  }
  override abort(k: Continuation): void {
    this.lock.lot.remove(k);
  }
  describe(k: Continuation | null): string {
    return this.lock.describeWait(k);
  }
  blockedBy(k: Continuation): { what: string; holder: Task } | null {
    const owner = this.lock.owner;
    return owner === null ? null : { what: this.lock.describeIn(k), holder: owner };
  }
}

/**
 * A mutual-exclusion lock owned by the task that acquires it. Not re-entrant. FIFO-fair and
 * cancel-safe: a cancelled `acquire()` never leaves the lock held.
 *
 * @example
 * const lock = new Lock({ name: 'accounts' });
 * await lock.acquire();
 * try {
 *   balance += await fetchDeposit();
 * } finally {
 *   lock.release();
 * }
 * // or, in either style:
 * await lock.withLock(async () => { balance += await fetchDeposit(); });
 * yield* lock.withLock(function* () { yield* sleep(10); });
 */
export class Lock extends Primitive {
  /** @internal The task holding the lock. */
  owner: Task | null = null;
  /** @internal The tasks waiting for it, first come first served. */
  readonly lot = new ParkingLot();
  private readonly acquireOp = reusable(new Acquire(this));

  constructor(options?: LockOptions) {
    super('Lock', 'Lock(options)', options);
  }

  /**
   * Waits until the lock is free and takes it for the current task. Throws
   * InvalidStateError if the current task holds it already.
   *
   * @example
   * await lock.acquire();      // async function
   * yield* lock.acquire();     // generator function
   */
  acquire(): Operation<void> {
    return this.acquireOp;
  }

  /**
   * Takes the lock for the current task if it is free and nobody waits for it; returns
   * whether it did. Never waits.
   *
   * @example
   * if (lock.tryAcquire()) { try { flush(); } finally { lock.release(); } }
   */
  tryAcquire(): boolean {
    const task = (currentContext() ?? requireContext(`${this}.tryAcquire()`)).task as Task;
    if (this.owner === task) {
      throw new InvalidStateError(
        `${this}.tryAcquire(): ${showTask(task)} already holds this lock (a Lock is not re-entrant)`,
      );
    }
    if (this.owner !== null) return false;
    this.owner = task;
    return true;
  }

  /**
   * Releases the lock; the longest-waiting task, if any, becomes its owner. Throws
   * InvalidStateError if the current task does not hold it.
   *
   * @example
   * lock.release();
   */
  release(): void {
    // The label is built only for the error: release() is on the hot path.
    this.releaseBy(
      (currentContext() ?? requireContext(`${this}.release()`)).task as Task,
      'release()',
    );
  }

  /**
   * Runs `body` (async function, generator function, or function returning an operation)
   * holding the lock, and releases it however `body` ends.
   *
   * @example
   * const total = await lock.withLock(async () => (balance += 10));
   */
  withLock<R>(body: () => R): Operation<BodyValue<R>> {
    checkFunction(`${this}.withLock(body)`, 'body', body);
    return new Composite(`${this}.withLock(${body.name || 'body'})`, () =>
      this.runLocked(body),
    ) as Operation<BodyValue<R>>;
  }

  private *runLocked(body: () => unknown): Generator<unknown, unknown, unknown> {
    yield* this.acquireOp;
    const fiber = runningFiber();
    const task = fiber.task as Task;
    try {
      return yield* runBody('withLock', body, task, fiber.scope);
    } finally {
      this.releaseBy(task, 'withLock()');
    }
  }

  /**
   * Whether some task holds the lock.
   *
   * @example
   * if (!lock.locked()) console.log('free');
   */
  locked(): boolean {
    return this.owner !== null;
  }

  /**
   * The holder and the number of waiting tasks (Trio's `statistics()`).
   *
   * @example
   * const { owner, waiting } = lock.statistics();
   */
  statistics(): LockStatistics {
    return { locked: this.owner !== null, owner: this.owner, waiting: this.lot.length };
  }

  /** @internal Releases on behalf of `task`, which must hold the lock. */
  releaseBy(task: Task, what: string): void {
    if (this.owner !== task) {
      const held = this.owner === null ? 'is not held' : `is held by ${showTask(this.owner)}`;
      throw new InvalidStateError(
        `${this.label(task.loop)}.${what}: the lock ${held}, not by the current ${showTask(task)}`,
      );
    }
    this.handOff();
  }

  /** @internal Gives the lock to the first waiter, or frees it. */
  handOff(): void {
    const node = this.lot.unpark(true, undefined);
    this.owner = node === null ? null : taskOf(node.k);
  }

  /** @internal */
  describeIn(at: Continuation | Task | null): string {
    return this.label(at?.task.loop);
  }

  /** @internal `Lock#3 held by task #5 (writer)`: what a waiting task's dump line says. */
  describeWait(k: Continuation | null): string {
    if (k === null) return `${this.label(null)}.acquire()`;
    const owner = this.owner;
    const held = owner === null ? 'free' : `held by ${showTask(owner)}`;
    const others = this.lot.length - 1;
    return `${this.label(k.task.loop)} ${held}${others > 0 ? `, ${others} other(s) waiting` : ''}`;
  }
}
