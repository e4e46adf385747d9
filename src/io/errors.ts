/**
 * The errors of the I/O layer (SPEC §6). Like the core's, each has a stable `code`, so callers
 * can test with `instanceof` or by code; names follow asyncio and Trio where they have one.
 */

/**
 * Two tasks used one side of a stream at once: two concurrent reads, or two concurrent writes.
 * Interleaved reads would split a message between two readers at random, so the second one
 * fails at once instead (Trio's `BusyResourceError`).
 *
 * @example
 * spawn(() => stream.read());
 * await stream.read(); // BusyResourceError: the other task is reading
 */
export class BusyResourceError extends Error {
  override name = 'BusyResourceError';
  readonly code = 'ERR_SIMUL_BUSY_RESOURCE';
}

/**
 * The stream (or server) was closed by this side: reading or writing it is a bug.
 *
 * @example
 * await stream.close();
 * await stream.write('late'); // ClosedResourceError
 */
export class ClosedResourceError extends Error {
  override name = 'ClosedResourceError';
  readonly code = 'ERR_SIMUL_CLOSED_RESOURCE';
}

/**
 * The peer ended the stream before `readExactly(n)` got `n` bytes, or before `readUntil`
 * saw its separator. `partial` holds the bytes that did arrive (they are consumed).
 *
 * @example
 * try { header = await stream.readExactly(8); }
 * catch (e) { if (e instanceof IncompleteReadError) console.log(e.partial.length, 'of', e.expected); }
 */
export class IncompleteReadError extends Error {
  override name = 'IncompleteReadError';
  readonly code = 'ERR_SIMUL_INCOMPLETE_READ';
  constructor(
    /** The bytes that arrived before the end. */
    readonly partial: Buffer,
    /** The number of bytes asked for, or null for `readUntil`. */
    readonly expected: number | null,
  ) {
    super(
      expected === null
        ? `the stream ended after ${partial.length} bytes, before the separator`
        : `the stream ended after ${partial.length} of ${expected} bytes`,
    );
  }
}

/**
 * `readUntil` found no separator within `limit` bytes: the line is too long. The bytes stay in
 * the stream's buffer (nothing is lost); the stream stops reading from the peer until they are
 * consumed, so memory stays bounded by the limit.
 *
 * @example
 * try { line = await stream.readUntil('\n', { limit: 1024 }); }
 * catch (e) { if (e instanceof LimitOverrunError) await stream.write('line too long\n'); }
 */
export class LimitOverrunError extends Error {
  override name = 'LimitOverrunError';
  readonly code = 'ERR_SIMUL_LIMIT_OVERRUN';
  constructor(
    message: string,
    /** The limit that was exceeded, in bytes. */
    readonly limit: number,
  ) {
    super(message);
  }
}

/**
 * An error thrown by a job in a thread or process executor, brought back with the remote
 * stack: `stack` is the worker's stack, `name` and `message` the original's, and `code` (if
 * any) is kept as `remoteCode`.
 */
export class RemoteError extends Error {
  override name = 'RemoteError';
  readonly code = 'ERR_SIMUL_REMOTE';
  constructor(
    message: string,
    /** The original error's name (`TypeError`, `RangeError`...). */
    readonly remoteName: string,
    /** The original error's `code`, if it had one. */
    readonly remoteCode: unknown,
    /** The stack trace as it was in the worker. */
    remoteStack: string | undefined,
  ) {
    super(message);
    if (remoteStack !== undefined) this.stack = remoteStack;
  }
}

/** A worker of an executor died (crashed, or was killed from outside) while running a job. */
export class WorkerExitedError extends Error {
  override name = 'WorkerExitedError';
  readonly code = 'ERR_SIMUL_WORKER_EXITED';
}
