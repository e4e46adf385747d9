/**
 * `Barrier(n)`: `n` tasks wait for each other, then all go on together (asyncio's and
 * Python's `Barrier`). It is cyclic: once `n` tasks have passed, the next `n` arrivals form
 * the next round.
 *
 * Cancel-safety, in the parking lot's terms: a cancelled `wait()` did not happen, so it
 * does not count as an arrival; the barrier then waits for one more task. (asyncio instead
 * breaks the barrier for everyone; here the others are unaffected, and if nobody else can
 * come, the virtual clock reports the deadlock with the barrier's count.)
 */
import type { Continuation } from '../core/continuation.js';
import { Operation, reusable } from '../core/operation.js';
import { ParkingLot } from '../core/parking-lot.js';
import { checkInteger } from '../core/validate.js';
import { Primitive, type PrimitiveOptions } from './primitive.js';

/** What `Barrier.statistics()` reports. */
export interface BarrierStatistics {
  /** How many tasks make a round. */
  parties: number;
  /** How many have arrived in the current round. */
  waiting: number;
  /** How many rounds have passed. */
  generation: number;
}

/** Options of `new Barrier(n, options)`. */
export type BarrierOptions = PrimitiveOptions;

class WaitBarrier extends Operation<number> {
  readonly cancellable = true;
  constructor(private readonly barrier: Barrier) {
    super();
  }
  start(k: Continuation): unknown {
    const barrier = this.barrier;
    if (barrier.lot.length + 1 < barrier.parties) return barrier.lot.park(k, this);
    return barrier.completeRound();
  }
  override abort(k: Continuation): void {
    this.barrier.lot.remove(k);
  }
  describe(k: Continuation | null): string {
    return this.barrier.describeWait(k);
  }
}

/**
 * A cyclic barrier for `n` tasks. `wait()` returns the task's arrival index in its round
 * (0 for the first, `n - 1` for the last, which releases the others).
 *
 * @example
 * const barrier = new Barrier(3);
 * await all([0, 1, 2].map((i) => spawn(async () => {
 *   await load(i);
 *   await barrier.wait(); // nobody computes before everyone has loaded
 *   await compute(i);
 * })));
 */
export class Barrier extends Primitive {
  /** How many tasks make a round. */
  readonly parties: number;
  /** @internal The tasks that have arrived in this round. */
  readonly lot = new ParkingLot();
  private generation = 0;
  private readonly waitOp = reusable(new WaitBarrier(this));

  constructor(n: number, options?: BarrierOptions) {
    super('Barrier', 'Barrier(n, options)', options);
    this.parties = checkInteger('Barrier(n)', 'n', n, 1);
  }

  /**
   * Waits until `n` tasks (this one included) are waiting, then returns this task's arrival
   * index in the round.
   *
   * @example
   * const index = yield* barrier.wait();
   * if (index === barrier.parties - 1) console.log('last one in');
   */
  wait(): Operation<number> {
    return this.waitOp;
  }

  /**
   * The round size, arrivals in this round, and rounds passed.
   *
   * @example
   * const { waiting, parties } = barrier.statistics();
   */
  statistics(): BarrierStatistics {
    return { parties: this.parties, waiting: this.lot.length, generation: this.generation };
  }

  /** @internal The last arrival: wake the others with their indexes; returns its own. */
  completeRound(): number {
    let index = 0;
    while (this.lot.unpark(true, index) !== null) index++;
    this.generation++;
    return index;
  }

  /** @internal */
  describeWait(k: Continuation | null): string {
    if (k === null) return `${this.label(null)}.wait()`;
    return `${this.label(k.task.loop)} wait (${this.lot.length}/${this.parties} arrived)`;
  }
}
