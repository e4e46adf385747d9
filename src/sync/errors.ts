/**
 * The errors of the synchronisation primitives. Like the core's, each has a stable `code`
 * so callers can test with `instanceof` or by code.
 *
 * A channel is a queue with other verbs, so `ChannelClosedError` extends `QueueClosedError`:
 * a consumer written for both catches the one class; code that wants to tell them apart
 * reads `code`.
 */

/**
 * `get` on a closed queue that has been drained, or `put` on a closed queue.
 *
 * @example
 * try {
 *   for (;;) handle(await queue.get());
 * } catch (e) {
 *   if (!(e instanceof QueueClosedError)) throw e; // closed and drained: done
 * }
 */
export class QueueClosedError extends Error {
  override name = 'QueueClosedError';
  readonly code: string = 'ERR_SIMUL_QUEUE_CLOSED';
}

/**
 * `receive` on a closed channel that has been drained, or `send` on a closed channel.
 *
 * @example
 * try {
 *   await ch.send(frame);
 * } catch (e) {
 *   if (e instanceof ChannelClosedError) console.log('the receiver has gone');
 * }
 */
export class ChannelClosedError extends QueueClosedError {
  override name = 'ChannelClosedError';
  override readonly code: string = 'ERR_SIMUL_CHANNEL_CLOSED';
}

/**
 * `getNowait()` on an empty queue (asyncio's `QueueEmpty`).
 *
 * @example
 * try {
 *   batch.push(queue.getNowait());
 * } catch (e) {
 *   if (!(e instanceof QueueEmptyError)) throw e;
 * }
 */
export class QueueEmptyError extends Error {
  override name = 'QueueEmptyError';
  readonly code = 'ERR_SIMUL_QUEUE_EMPTY';
}

/**
 * `putNowait()` on a full queue (asyncio's `QueueFull`).
 *
 * @example
 * try {
 *   queue.putNowait(sample);
 * } catch (e) {
 *   if (e instanceof QueueFullError) dropped++; // shed load instead of waiting
 * }
 */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
  readonly code = 'ERR_SIMUL_QUEUE_FULL';
}
