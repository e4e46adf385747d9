/**
 * `Semaphore(n)`: at most `n` tasks at once in a section (Trio's `Semaphore`, asyncio's
 * `Semaphore` and, with `max`, `BoundedSemaphore`).
 *
 * A permit is handed off like a lock: `release()` with tasks waiting gives the permit to
 * the first of them directly, so the count never goes up while someone waits, a latecomer
 * cannot take a permit from under a waiter, and a cancelled `acquire()` consumes nothing.
 * Permits are not owned by tasks (any task may release), as in Trio and asyncio; the `max`
 * option turns a release that would exceed it into an error, which catches double releases.
 */
import type { Continuation } from '../core/continuation.js';
import { ImmediateOperation, NOT_NOW, type PENDING } from './immediate.js';
import { InvalidStateError } from '../core/errors.js';
import { Composite } from '../core/composite.js';
import { Operation, reusable } from '../core/operation.js';
import { ParkingLot } from '../core/parking-lot.js';
import type { BodyValue } from '../core/task.js';
import { runningFiber } from '../core/scoped.js';
import { runBody } from '../core/body.js';
import { checkFunction, checkInteger, optionKeys } from '../core/validate.js';
import { checkSize, Primitive, type PrimitiveOptions } from './primitive.js';

const SEMAPHORE_KEYS = optionKeys<SemaphoreOptions>({ max: true, name: true });

/** What `Semaphore.statistics()` reports. */
export interface SemaphoreStatistics {
  /** Free permits. */
  value: number;
  /** The most permits the semaphore may hold (Infinity unless `max` was given). */
  max: number;
  /** How many tasks wait for a permit. */
  waiting: number;
}

/** Options of `new Semaphore(n, options)`. */
export interface SemaphoreOptions extends PrimitiveOptions {
  /** Releasing above this many free permits throws (a bounded semaphore). Default: no bound. */
  max?: number;
}

class AcquirePermit extends ImmediateOperation<void> {
  /** It takes something when it completes (for debug mode's dropped-result report). */
  readonly consumes = true;
  constructor(private readonly sem: Semaphore) {
    super();
  }
  protected attempt(): unknown {
    const sem = this.sem;
    if (sem.value === 0) return NOT_NOW;
    sem.value--;
    return undefined;
  }
  protected wait(k: Continuation): typeof PENDING {
    return this.sem.lot.park(k, this);
  }
  override abort(k: Continuation): void {
    this.sem.lot.remove(k);
  }
  describe(k: Continuation | null): string {
    return this.sem.describeWait(k);
  }
}

/**
 * A counting semaphore: `acquire()` takes one of `n` permits, waiting while none is free;
 * `release()` gives one back. FIFO-fair and cancel-safe.
 *
 * @example
 * const slots = new Semaphore(3, { name: 'downloads' });
 * await all(urls.map((url) => slots.withPermit(() => download(url)))); // 3 at a time
 */
export class Semaphore extends Primitive {
  /** @internal Free permits. */
  value: number;
  /** @internal The tasks waiting for a permit. */
  readonly lot = new ParkingLot();
  private readonly max: number;
  private readonly acquireOp = reusable(new AcquirePermit(this));

  constructor(n: number, options?: SemaphoreOptions) {
    super('Semaphore', 'Semaphore(n, options)', options, SEMAPHORE_KEYS);
    this.value = checkInteger('Semaphore(n)', 'n', n, 0);
    this.max = checkSize('Semaphore(n, options)', 'options.max', options?.max ?? Infinity, 1);
    if (n > this.max) {
      throw new RangeError(
        `Semaphore(n, options): n must be <= options.max (${this.max}), got ${n}`,
      );
    }
  }

  /**
   * Waits for a free permit and takes it.
   *
   * @example
   * await slots.acquire();
   * try { await work(); } finally { slots.release(); }
   */
  acquire(): Operation<void> {
    return this.acquireOp;
  }

  /**
   * Takes a permit if one is free; returns whether it did. Never waits.
   *
   * @example
   * if (!slots.tryAcquire()) return reply(503);
   */
  tryAcquire(): boolean {
    if (this.value === 0) return false;
    this.value--;
    return true;
  }

  /**
   * Gives a permit back: to the longest-waiting task if there is one. Throws
   * InvalidStateError if that would exceed `max`.
   *
   * @example
   * slots.release();
   */
  release(): void {
    if (this.lot.unpark(true, undefined) !== null) return;
    if (this.value >= this.max) {
      throw new InvalidStateError(
        `${this}.release(): the semaphore already holds its maximum of ${this.max} permit(s); ` +
          'was a permit released twice?',
      );
    }
    this.value++;
  }

  /**
   * Runs `body` holding a permit, and gives it back however `body` ends.
   *
   * @example
   * yield* slots.withPermit(function* () { yield* sleep(100); });
   */
  withPermit<R>(body: () => R): Operation<BodyValue<R>> {
    checkFunction(`${this}.withPermit(body)`, 'body', body);
    return new Composite(`${this}.withPermit(${body.name || 'body'})`, () =>
      this.runWithPermit(body),
    ) as Operation<BodyValue<R>>;
  }

  private *runWithPermit(body: () => unknown): Generator<unknown, unknown, unknown> {
    yield* this.acquireOp;
    try {
      const fiber = runningFiber();
      return yield* runBody('withPermit', body, fiber.task, fiber.scope);
    } finally {
      this.release();
    }
  }

  /**
   * Free permits, the bound, and how many tasks wait.
   *
   * @example
   * const { value, waiting } = slots.statistics();
   */
  statistics(): SemaphoreStatistics {
    return { value: this.value, max: this.max, waiting: this.lot.length };
  }

  /** @internal */
  describeWait(k: Continuation | null): string {
    if (k === null) return `${this.label(null)}.acquire()`;
    const max = this.max === Infinity ? '' : ` of ${this.max}`;
    return (
      `${this.label(k.task.loop)} acquire (${this.value}${max} permits free, ` +
      `${this.lot.length} task(s) waiting)`
    );
  }
}
