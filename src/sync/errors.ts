/**
 * The errors of the synchronisation primitives. Like the core's, each has a stable `code`
 * so callers can test with `instanceof` or by code.
 *
 * A channel is a queue with other verbs, so `ChannelClosedError` extends `QueueClosedError`:
 * a consumer written for both catches the one class; code that wants to tell them apart
 * reads `code`.
 */

/** `get` on a closed queue that has been drained, or `put` on a closed queue. */
export class QueueClosedError extends Error {
  override name = 'QueueClosedError';
  readonly code: string = 'ERR_SIMUL_QUEUE_CLOSED';
}

/** `receive` on a closed channel that has been drained, or `send` on a closed channel. */
export class ChannelClosedError extends QueueClosedError {
  override name = 'ChannelClosedError';
  override readonly code: string = 'ERR_SIMUL_CHANNEL_CLOSED';
}

/** `getNowait()` on an empty queue (asyncio's `QueueEmpty`). */
export class QueueEmptyError extends Error {
  override name = 'QueueEmptyError';
  readonly code = 'ERR_SIMUL_QUEUE_EMPTY';
}

/** `putNowait()` on a full queue (asyncio's `QueueFull`). */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
  readonly code = 'ERR_SIMUL_QUEUE_FULL';
}
