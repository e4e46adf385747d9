/**
 * The engine under `Queue` and `Channel`: a ring buffer of at most `capacity` items and two
 * parking lots, one of parked getters and one of parked putters (each putter's node carries
 * its item). `Queue` and `Channel` only give it their verbs and their closed-error class.
 *
 * Every transfer is a hand-off decided at once, so cancellation cannot split it:
 * - a put with a getter parked gives the item straight to that getter (the buffer is empty
 *   whenever a getter is parked);
 * - a get from a full buffer takes the oldest item and moves the first parked putter's item
 *   into the freed slot, completing that put; with capacity 0 (a rendezvous) it takes the
 *   parked putter's item directly;
 * - a cancelled get or put only leaves its queue: no item is taken, none is delivered.
 * So getters and putters are never parked at the same time, every item is delivered
 * exactly once, in the order the puts completed, and waiters are served FIFO.
 *
 * `close()` fails the parked putters (their items were never delivered) and the parked
 * getters; items already buffered can still be got; after that, gets fail.
 *
 * Ring buffer, not array: `Array.prototype.shift` goes O(n) once an array leaves V8's fast
 * mode, which made Effection's queue take seconds for 200,000 buffered items.
 */
import type { Continuation } from '../core/continuation.js';
import { taskOf, type Task } from '../core/task.js';
import { ImmediateOperation, NOT_NOW, type PENDING } from './immediate.js';
import { Composite } from '../core/composite.js';
import { Operation, reusable } from '../core/operation.js';
import { ParkingLot } from '../core/parking-lot.js';
import { RingQueue } from '../core/ring-queue.js';
import { runningFiber } from '../core/scoped.js';
import { runBody } from '../core/body.js';
import { checkFunction } from '../core/validate.js';
import { Primitive, type PrimitiveOptions } from './primitive.js';

/** The verbs and error a subclass gives the engine. */
export interface BufferedVerbs {
  kind: 'Queue' | 'Channel';
  put: string;
  get: string;
  closedError: new (message: string) => Error;
}

/** A parked getter's mode: `get()` resumes with the item, `next()` with an IteratorResult. */
const GET = false;
const NEXT = true;

class Put<T> extends ImmediateOperation<void> {
  constructor(
    private readonly box: Buffered<T>,
    private readonly item: T,
  ) {
    super();
  }
  protected attempt(task: Task): unknown {
    const box = this.box;
    if (box.shut) throw box.closedError(task, box.verbs.put, false);
    if (box.deliver(this.item)) return undefined;
    if (box.items.length < box.capacity) {
      box.items.push(this.item);
      return undefined;
    }
    return NOT_NOW;
  }
  protected wait(k: Continuation): typeof PENDING {
    return this.box.putters.park(k, this, this.item);
  }
  override abort(k: Continuation): void {
    this.box.putters.remove(k);
  }
  describe(k: Continuation | null): string {
    return this.box.describeWait(k, this.box.verbs.put);
  }
}

class Get<T> extends ImmediateOperation<unknown> {
  /** It takes something when it completes (for debug mode's dropped-result report). */
  readonly consumes = true;
  constructor(
    private readonly box: Buffered<T>,
    private readonly mode: boolean,
  ) {
    super();
  }
  protected attempt(task: Task): unknown {
    const box = this.box;
    if (box.items.length > 0) {
      const item = box.items.shift() as T;
      const putter = box.putters.unpark(true, undefined);
      if (putter !== null) box.items.push(putter.value as T);
      return this.mode === NEXT ? { value: item, done: false } : item;
    }
    const putter = box.putters.unpark(true, undefined); // a rendezvous (capacity 0)
    if (putter !== null) {
      return this.mode === NEXT ? { value: putter.value, done: false } : putter.value;
    }
    if (box.shut) {
      if (this.mode === NEXT) return { value: undefined, done: true };
      throw box.closedError(task, box.verbs.get, true);
    }
    return NOT_NOW;
  }
  protected wait(k: Continuation): typeof PENDING {
    return this.box.getters.park(k, this, this.mode);
  }
  override abort(k: Continuation): void {
    this.box.getters.remove(k);
  }
  describe(k: Continuation | null): string {
    return this.box.describeWait(k, this.mode === NEXT ? 'next' : this.box.verbs.get);
  }
}

export abstract class Buffered<T> extends Primitive {
  /** @internal */
  readonly items: RingQueue<T>;
  /** @internal */
  readonly getters = new ParkingLot();
  /** @internal Each node's value is the item its put carries. */
  readonly putters = new ParkingLot();
  /** @internal */
  shut = false;
  /** @internal */
  readonly getOp: Get<T>;
  /** @internal */
  readonly nextOp: Operation<IteratorResult<T, undefined>>;

  constructor(
    /** @internal */
    readonly verbs: BufferedVerbs,
    /** @internal */
    readonly capacity: number,
    where: string,
    options: PrimitiveOptions | undefined,
    keys?: readonly string[],
  ) {
    super(verbs.kind, where, options, keys);
    this.items = new RingQueue<T>(
      capacity < 16 ? 16 : capacity < 1024 ? nextPowerOfTwo(capacity) : 1024,
    );
    this.getOp = reusable(new Get(this, GET));
    this.nextOp = reusable(new Get(this, NEXT)) as Operation<IteratorResult<T, undefined>>;
  }

  /** Whether `close()` was called (buffered items may still be there to get). */
  get closed(): boolean {
    return this.shut;
  }

  /** How many items are buffered. */
  get size(): number {
    return this.items.length;
  }

  /** @internal A put operation for `item`. */
  putOp(item: T): Operation<void> {
    return new Put(this, item);
  }

  /** @internal Gives `item` to the first parked getter, if any. */
  deliver(item: T): boolean {
    if (this.getters.length === 0) return false;
    const getter = this.getters.take();
    if (getter === null) return false;
    getter.wake(true, getter.value === NEXT ? { value: item, done: false } : item);
    return true;
  }

  /** @internal A put that never waits; false if the buffer is full. Throws once closed. */
  tryPut(item: T, where: string): boolean {
    if (this.shut) throw this.closedError(null, where, false);
    if (this.deliver(item)) return true;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return true;
    }
    return false;
  }

  /** @internal A get that never waits; `empty` if nothing is there. Throws once closed and drained. */
  tryGet<E>(where: string, empty: E): T | E {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      const putter = this.putters.unpark(true, undefined);
      if (putter !== null) this.items.push(putter.value as T);
      return item;
    }
    const putter = this.putters.unpark(true, undefined);
    if (putter !== null) return putter.value as T;
    if (this.shut) throw this.closedError(null, where, true);
    return empty;
  }

  /** @internal */
  closeBuffer(): void {
    if (this.shut) return;
    this.shut = true;
    for (let node = this.putters.take(); node !== null; node = this.putters.take()) {
      node.wake(false, this.closedError(taskOf(node.k), this.verbs.put, false));
    }
    for (let node = this.getters.take(); node !== null; node = this.getters.take()) {
      if (node.value === NEXT) node.wake(true, { value: undefined, done: true });
      else node.wake(false, this.closedError(taskOf(node.k), this.verbs.get, true));
    }
  }

  /** @internal `Queue#1.get(): the queue is closed and drained`. */
  closedError(task: Task | null, verb: string, drained: boolean): Error {
    const me = task === null ? String(this) : this.label(task.loop);
    const what = this.verbs.kind.toLowerCase();
    return new this.verbs.closedError(
      `${me}.${verb}(): the ${what} is ${drained ? 'closed and drained' : 'closed'}`,
    );
  }

  /** @internal Receives until closed and drained, running `body(item)` for each. */
  eachOp<R>(body: (item: T) => R, where: string): Operation<void> {
    checkFunction(where, 'body', body);
    const nextOp = this.nextOp;
    return new Composite(`${this}.forEach(${body.name || 'body'})`, function* () {
      const fiber = runningFiber();
      for (;;) {
        const next = yield* nextOp;
        if (next.done === true) return undefined;
        const item = next.value;
        yield* runBody('forEach', () => body(item), fiber.task, fiber.scope);
      }
    });
  }

  /** @internal An async iterator over `next()`: for `for await`. */
  asyncIterator(): AsyncIterator<T, undefined> {
    const nextOp = this.nextOp;
    return {
      next: () => new Promise((resolve, reject) => nextOp.then(resolve, reject)),
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }

  /** @internal `Queue#2 get (empty, 0/10 items)`. */
  describeWait(k: Continuation | null, verb: string): string {
    if (k === null) return `${this.label(null)}.${verb}()`;
    const me = this.label(k.task.loop);
    const n = this.items.length;
    if (this.capacity === 0) {
      const other = verb === this.verbs.put ? 'no receiver' : 'no sender';
      return `${me} ${verb} (rendezvous, ${other}; ${this.lotSize(verb)} waiting)`;
    }
    const fill =
      this.capacity === Infinity ? `${n} items, unbounded` : `${n}/${this.capacity} items`;
    const state = verb === this.verbs.put ? 'full' : 'empty';
    return `${me} ${verb} (${state}, ${fill}; ${this.lotSize(verb)} waiting)`;
  }

  private lotSize(verb: string): number {
    return verb === this.verbs.put ? this.putters.length : this.getters.length;
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 16;
  while (p < n) p *= 2;
  return p;
}
