/**
 * `Event`: a one-shot flag tasks can wait for (Trio's `Event`).
 *
 * Like Trio's, and unlike asyncio's, an Event cannot be cleared: "wait until it is set
 * again" races with the waiters that have not run yet since the last `set()` (they would see
 * a cleared flag and sleep through the event they were woken for). Make a new Event for the
 * next round instead. `wait()` on a set event returns at once.
 */
import type { Continuation } from '../core/continuation.js';
import { ImmediateOperation, NOT_NOW, type PENDING } from './immediate.js';
import { Operation, reusable } from '../core/operation.js';
import { ParkingLot } from '../core/parking-lot.js';
import { Primitive, type PrimitiveOptions } from './primitive.js';

/** What `Event.statistics()` reports. */
export interface EventStatistics {
  /** Whether `set()` was called. */
  set: boolean;
  /** How many tasks wait for it. */
  waiting: number;
}

/** Options of `new Event(options)`. */
export type EventOptions = PrimitiveOptions;

class WaitEvent extends ImmediateOperation<void> {
  constructor(private readonly event: Event) {
    super();
  }
  protected attempt(): unknown {
    return this.event.isSet() ? undefined : NOT_NOW;
  }
  protected wait(k: Continuation): typeof PENDING {
    return this.event.lot.park(k, this);
  }
  override abort(k: Continuation): void {
    this.event.lot.remove(k);
  }
  describe(k: Continuation | null): string {
    return this.event.describeWait(k);
  }
}

/**
 * A flag that starts unset; `set()` wakes every task in `wait()`, and later waits return at
 * once. Cancel-safe: a cancelled `wait()` leaves the queue.
 *
 * @example
 * const ready = new Event({ name: 'config loaded' });
 * spawn(async () => { config = await load(); ready.set(); });
 * await ready.wait();
 */
export class Event extends Primitive {
  private flag = false;
  /** @internal */
  readonly lot = new ParkingLot();
  private readonly waitOp = reusable(new WaitEvent(this));

  constructor(options?: EventOptions) {
    super('Event', 'Event(options)', options);
  }

  /**
   * Waits until the event is set; returns at once if it is.
   *
   * @example
   * yield* ready.wait();
   */
  wait(): Operation<void> {
    return this.waitOp;
  }

  /**
   * Sets the event and wakes every waiting task, in the order they arrived. Idempotent.
   *
   * @example
   * ready.set();
   */
  set(): void {
    if (this.flag) return;
    this.flag = true;
    this.lot.unparkAll(true, undefined);
  }

  /**
   * Whether `set()` was called.
   *
   * @example
   * if (ready.isSet()) use(config);
   */
  isSet(): boolean {
    return this.flag;
  }

  /**
   * Whether it is set and how many tasks wait.
   *
   * @example
   * const { waiting } = ready.statistics();
   */
  statistics(): EventStatistics {
    return { set: this.flag, waiting: this.lot.length };
  }

  /** @internal */
  describeWait(k: Continuation | null): string {
    if (k === null) return `${this.label(null)}.wait()`;
    return `${this.label(k.task.loop)} wait (not set, ${this.lot.length} task(s) waiting)`;
  }
}
