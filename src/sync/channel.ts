/**
 * `Channel<T>(capacity = 0)`: a typed pipe between tasks in the style of Go and Trio's
 * memory channels: `send`, `receive`, `close`, and iteration that ends when the channel is
 * closed and drained.
 *
 * The default capacity 0 is a rendezvous: `send` returns only once a receiver has the item,
 * so a producer can never run ahead of its consumer. A positive capacity buffers that many
 * items; Infinity never makes `send` wait (and gives up backpressure).
 *
 * Iteration in both task styles: `for await (const x of ch)` in async functions; in
 * generator functions, `yield* ch.next()` returns an `IteratorResult` (the same protocol,
 * as an operation), and `yield* ch.forEach(fn)` runs `fn` for each item. A Channel is a
 * Queue with the verbs of a channel (same engine, buffered.ts); its closed error,
 * `ChannelClosedError`, extends `QueueClosedError`.
 */
import type { Operation } from '../core/operation.js';
import { Buffered } from './buffered.js';
import { ChannelClosedError } from './errors.js';
import { checkSize, type PrimitiveOptions } from './primitive.js';

/** Options of `new Channel(capacity, options)`. */
export type ChannelOptions = PrimitiveOptions;

/** What `Channel.statistics()` reports. */
export interface ChannelStatistics {
  /** Items sent and not yet received. */
  buffered: number;
  /** The channel's capacity (0 for a rendezvous). */
  capacity: number;
  /** Tasks waiting in `send()`, their items not yet delivered. */
  senders: number;
  /** Tasks waiting in `receive()` (or `next()`). */
  receivers: number;
  /** Whether `close()` was called. */
  closed: boolean;
}

/**
 * A channel of `T` with room for `capacity` items (default 0: a rendezvous). FIFO-fair and
 * cancel-safe: a cancelled `receive` loses no item, a cancelled `send` delivers nothing.
 *
 * @example
 * const ch = new Channel<number>();
 * spawn(async () => {
 *   for (let i = 0; i < 3; i++) await ch.send(i); // each waits for the receiver
 *   ch.close();
 * });
 * for await (const n of ch) console.log(n); // 0, 1, 2
 */
export class Channel<T> extends Buffered<T> {
  constructor(capacity = 0, options?: ChannelOptions) {
    super(
      { kind: 'Channel', put: 'send', get: 'receive', closedError: ChannelClosedError },
      checkSize('Channel(capacity)', 'capacity', capacity, 0),
      'Channel(capacity, options)',
      options,
    );
  }

  /**
   * Sends `item`: waits until a receiver takes it (capacity 0) or there is room. Throws
   * ChannelClosedError if the channel is closed, or closes while this waits (then the item
   * was not sent).
   *
   * @example
   * await ch.send(frame);      // async function
   * yield* ch.send(frame);     // generator function
   */
  send(item: T): Operation<void> {
    return this.putOp(item);
  }

  /**
   * Receives the next item, waiting for one. Throws ChannelClosedError once the channel is
   * closed and drained.
   *
   * @example
   * const frame = await ch.receive();
   */
  receive(): Operation<T> {
    return this.getOp as Operation<T>;
  }

  /**
   * Closes the channel: no more sends; waiting sends fail with ChannelClosedError; buffered
   * items can still be received, then `receive` throws and iteration ends. Idempotent.
   *
   * @example
   * ch.close();
   */
  close(): void {
    this.closeBuffer();
  }

  /**
   * The next item as an iterator result, `{ done: true }` once the channel is closed and
   * drained: iteration for generator tasks.
   *
   * @example
   * for (;;) {
   *   const r = yield* ch.next();
   *   if (r.done) break;
   *   handle(r.value);
   * }
   */
  next(): Operation<IteratorResult<T, undefined>> {
    return this.nextOp;
  }

  /**
   * Runs `body(item)` for each item, one at a time, until the channel is closed and drained.
   * `body` may be an async function, a generator function or a plain function.
   *
   * @example
   * yield* ch.forEach(function* (frame) { yield* render(frame); });
   * await ch.forEach(async (frame) => { await render(frame); });
   */
  forEach(body: (item: T) => unknown): Operation<void> {
    return this.eachOp(body, `${this}.forEach(body)`);
  }

  /**
   * `for await (const item of ch)`: receives until the channel is closed and drained.
   * Leaving the loop early does not close the channel.
   *
   * @example
   * for await (const frame of ch) render(frame);
   */
  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return this.asyncIterator();
  }

  /**
   * Buffered items, capacity, waiting tasks on each side, and whether it is closed.
   *
   * @example
   * const { buffered, senders } = ch.statistics();
   */
  statistics(): ChannelStatistics {
    return {
      buffered: this.items.length,
      capacity: this.capacity,
      senders: this.putters.length,
      receivers: this.getters.length,
      closed: this.shut,
    };
  }
}
