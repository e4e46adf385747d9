/**
 * `Queue({ maxsize })`: a FIFO queue between tasks, bounded for backpressure (asyncio's
 * `Queue`, with Trio's cancel-safety and a `close()`).
 *
 * `put` waits while the queue is full, `get` while it is empty; `putNowait`/`getNowait`
 * never wait. A closed queue refuses new items, fails the puts waiting on it, and lets the
 * items it holds be drained; then `get` throws `QueueClosedError`. A cancelled `get` loses
 * no item and a cancelled `put` delivers nothing (see buffered.ts for why that holds).
 *
 * `maxsize` defaults to Infinity. It cannot be 0: asyncio reads 0 as "unbounded" and Trio
 * as "rendezvous", so either reading would surprise someone; `Channel(0)` is the rendezvous.
 */
import type { Operation } from '../core/operation.js';
import { checkObject, optionKeys } from '../core/validate.js';
import { Buffered } from './buffered.js';
import { QueueClosedError, QueueEmptyError, QueueFullError } from './errors.js';
import { checkSize, type PrimitiveOptions } from './primitive.js';

/** Options of `new Queue(options)`. */
export interface QueueOptions extends PrimitiveOptions {
  /** The most items the queue holds before `put` waits: an integer >= 1, or Infinity (default). */
  maxsize?: number;
}

/** What `Queue.statistics()` reports. */
export interface QueueStatistics {
  /** Items in the queue. */
  size: number;
  /** Its bound. */
  maxsize: number;
  /** Tasks waiting in `get()` (or `next()`). */
  getters: number;
  /** Tasks waiting in `put()`, their items not yet in the queue. */
  putters: number;
  /** Whether `close()` was called. */
  closed: boolean;
}

const QUEUE_KEYS = optionKeys<QueueOptions>({ maxsize: true, name: true });

const EMPTY: unique symbol = Symbol('empty');

/**
 * A FIFO queue of at most `maxsize` items; FIFO-fair and cancel-safe.
 *
 * @example
 * const jobs = new Queue<string>({ maxsize: 100 });
 * spawn(async () => {
 *   for (const url of urls) await jobs.put(url); // waits while 100 are queued
 *   jobs.close();
 * });
 * for await (const url of jobs) await fetchOne(url); // ends once closed and drained
 */
export class Queue<T> extends Buffered<T> {
  /** The most items the queue holds. */
  readonly maxsize: number;

  constructor(options?: QueueOptions) {
    checkObject('Queue(options)', 'options', options);
    const maxsize = options?.maxsize ?? Infinity;
    if (maxsize === 0) {
      throw new RangeError(
        'Queue(options): options.maxsize must be an integer >= 1 or Infinity, got 0 ' +
          '(for a rendezvous, use new Channel(0))',
      );
    }
    checkSize('Queue(options)', 'options.maxsize', maxsize, 1);
    super(
      { kind: 'Queue', put: 'put', get: 'get', closedError: QueueClosedError },
      maxsize,
      'Queue(options)',
      options,
      QUEUE_KEYS,
    );
    this.maxsize = maxsize;
  }

  /**
   * Puts `item` at the back, waiting while the queue is full. Throws QueueClosedError if the
   * queue is closed, or closes while this waits (then the item was not put).
   *
   * @example
   * await queue.put(job);      // async function
   * yield* queue.put(job);     // generator function
   */
  put(item: T): Operation<void> {
    return this.putOp(item);
  }

  /**
   * Takes the item at the front, waiting while the queue is empty. Throws QueueClosedError
   * once the queue is closed and drained.
   *
   * @example
   * const job = await queue.get();
   */
  get(): Operation<T> {
    return this.getOp as Operation<T>;
  }

  /**
   * Puts `item` without waiting. Throws QueueFullError if the queue is full, QueueClosedError
   * if it is closed.
   *
   * @example
   * try { queue.putNowait(event); } catch (e) { if (e instanceof QueueFullError) dropped++; }
   */
  putNowait(item: T): void {
    if (!this.tryPut(item, 'putNowait')) {
      throw new QueueFullError(`${this}.putNowait(): the queue is full (${this.maxsize} items)`);
    }
  }

  /**
   * Takes the front item without waiting. Throws QueueEmptyError if the queue is empty,
   * QueueClosedError if it is closed and drained.
   *
   * @example
   * const batch = [];
   * while (queue.size > 0) batch.push(queue.getNowait());
   */
  getNowait(): T {
    const item = this.tryGet('getNowait', EMPTY);
    if (item === EMPTY) throw new QueueEmptyError(`${this}.getNowait(): the queue is empty`);
    return item;
  }

  /**
   * Closes the queue: no more puts; waiting puts fail with QueueClosedError (their items are
   * not put); buffered items can still be got, then `get` throws QueueClosedError.
   * Idempotent.
   *
   * @example
   * queue.close();
   */
  close(): void {
    this.closeBuffer();
  }

  /**
   * The next item as an iterator result, `{ done: true }` once the queue is closed and
   * drained: the generator-task form of `for await`.
   *
   * @example
   * for (let r = yield* queue.next(); !r.done; r = yield* queue.next()) handle(r.value);
   */
  next(): Operation<IteratorResult<T, undefined>> {
    return this.nextOp;
  }

  /**
   * Runs `body(item)` for each item, one at a time, until the queue is closed and drained.
   * `body` may be an async function, a generator function or a plain function.
   *
   * @example
   * yield* queue.forEach(function* (job) { yield* process(job); });
   */
  forEach(body: (item: T) => unknown): Operation<void> {
    return this.eachOp(body, `${this}.forEach(body)`);
  }

  /**
   * `for await (const item of queue)`: gets items until the queue is closed and drained.
   * Leaving the loop early does not close the queue.
   *
   * @example
   * for await (const job of queue) await process(job);
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return this.asyncIterator();
  }

  /**
   * Size, bound, waiting tasks on each side, and whether it is closed.
   *
   * @example
   * const { size, getters, putters } = queue.statistics();
   */
  statistics(): QueueStatistics {
    return {
      size: this.items.length,
      maxsize: this.maxsize,
      getters: this.getters.length,
      putters: this.putters.length,
      closed: this.shut,
    };
  }
}
