/**
 * `Stream`: a byte stream (a TCP or TLS socket, a subprocess's pipe) as operations, after
 * asyncio's StreamReader/StreamWriter and Trio's streams.
 *
 * Design:
 * - Each read or write is one `fromCallback` wait, so it is a foreign wait the loop knows
 *   about and is cancellable. A read that can be answered from the buffer completes without
 *   waiting; otherwise it re-checks each time something arrives.
 * - Reads are cancel-safe: a read consumes bytes only when it returns them, so a cancelled
 *   `readUntil` or `readExactly` loses nothing (a read timeout leaves the stream usable).
 * - Memory is bounded: past `highWaterMark` unread bytes (or what the pending read needs,
 *   if more), the stream stops reading from the peer, and TCP's flow control slows the peer
 *   down; `write` waits while the peer is slow (node's `'drain'`).
 * - One reader and one writer at a time: a second concurrent read (or write) is a bug and
 *   throws `BusyResourceError` rather than splitting a message between two tasks.
 * - Listeners are shared functions that find their Stream through a symbol on the socket:
 *   no closures per connection (memory per connection is a benchmark target).
 */
/* eslint-disable @typescript-eslint/no-this-alias -- the register functions are named (the
   name shows in dumps of what a task waits on), so they reach the instance through a local */
import type { Readable, Writable } from 'node:stream';
import { Socket } from 'node:net';
import { abortSignal } from '../core/abort-signal.js';
import { fromCallback } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';
import { ReadBuffer } from './read-buffer.js';
import {
  BusyResourceError,
  ClosedResourceError,
  IncompleteReadError,
  LimitOverrunError,
} from './errors.js';
import { checkBytes, checkOptions, checkPositiveInteger, show } from './validate.js';

const STREAM: unique symbol = Symbol('simul.stream');
const NOT_YET: unique symbol = Symbol('simul.notYet');
const DEFAULT_READ = 64 * 1024;
const DEFAULT_LIMIT = 64 * 1024;
export const DEFAULT_HIGH_WATER_MARK = 64 * 1024;

type Source = (Readable | Writable) & { [STREAM]?: Stream };

const enum Kind {
  Read,
  Exactly,
  Until,
  Next,
}

/** Options of `readUntil`. */
export interface ReadUntilOptions {
  /** The longest line accepted, separator included, in bytes (default 65,536). */
  limit?: number;
}

export class Stream implements AsyncIterable<Buffer> {
  private readonly buffer = new ReadBuffer();
  private eof = false;
  private failure: Error | null = null;
  /** close() or destroy() was called. */
  private closedByUs = false;
  private sourceClosed = false;
  private writeEnded = false;
  private paused = false;
  /** Bytes the pending read needs buffered before it can complete. */
  private need = 0;
  private readBusy = false;
  private readKind = Kind.Read;
  private readN = 0;
  private readSep: Buffer | null = null;
  /** How far readUntil has searched the buffer for its separator. */
  private scanned = 0;
  private readResolve: ((value: unknown) => void) | null = null;
  private readReject: ((error: unknown) => void) | null = null;
  private writer: ((error: Error | null) => void) | null = null;
  private writeBusy = false;
  private closeWaiters: (() => void)[] | null = null;
  private openSources: number;
  private ownerSignal: AbortSignal | null = null;

  /** @internal Streams are made by `connect`, `listen` and `spawnProcess`. */
  constructor(
    private readonly readable: Readable | null,
    private readonly writable: Writable | null,
    private readonly label: string,
    private readonly highWaterMark = DEFAULT_HIGH_WATER_MARK,
  ) {
    this.openSources = 0;
    if (readable !== null) {
      (readable as Source)[STREAM] = this;
      this.openSources++;
      readable.on('data', onData);
      readable.on('end', onEnd);
      readable.on('error', onError);
      readable.on('close', onClose);
    }
    if (writable !== null && (writable as unknown) !== readable) {
      (writable as Source)[STREAM] = this;
      this.openSources++;
      writable.on('error', onError);
      writable.on('close', onClose);
    }
    if (writable !== null) writable.on('drain', onDrain);
  }

  /** The underlying socket, for what the Stream API does not cover (`setNoDelay`, addresses). */
  get socket(): Socket | null {
    const s = this.readable ?? this.writable;
    return s instanceof Socket ? s : null;
  }

  /** Bytes received and not read yet. */
  get readableLength(): number {
    return this.buffer.length;
  }

  /** Bytes written and not yet handed to the operating system. */
  get writableLength(): number {
    return this.writable?.writableLength ?? 0;
  }

  /** True once `close()` or `destroy()` was called, or the underlying stream closed. */
  get closed(): boolean {
    return this.closedByUs || this.sourceClosed;
  }

  // --- reading ----------------------------------------------------------------------------

  /**
   * Waits until bytes have arrived and returns them (at most `max`, at least one); returns
   * `null` once the peer has ended the stream and everything was read.
   *
   * @example
   * let chunk;
   * while ((chunk = await stream.read()) !== null) process(chunk);
   */
  read(max: number = DEFAULT_READ): Operation<Buffer | null> {
    checkPositiveInteger('stream.read(max)', 'max', max);
    return this.readOp(Kind.Read, max, null) as Operation<Buffer | null>;
  }

  /**
   * Waits for exactly `n` bytes. If the stream ends first, throws `IncompleteReadError` whose
   * `partial` holds what arrived.
   *
   * @example
   * const header = await stream.readExactly(4);
   * const body = await stream.readExactly(header.readUInt32BE(0));
   */
  readExactly(n: number): Operation<Buffer> {
    checkPositiveInteger('stream.readExactly(n)', 'n', n, 0);
    return this.readOp(Kind.Exactly, n, null) as Operation<Buffer>;
  }

  /**
   * Waits for `separator` and returns everything up to and including it (asyncio's
   * `readuntil`). Throws `LimitOverrunError` if the line, separator included, would be longer
   * than `limit` bytes (the bytes stay unread), and `IncompleteReadError` (with `partial`) if
   * the stream ends before the separator.
   *
   * @example
   * const line = (await stream.readUntil('\n')).toString(); // 'hello\n'
   */
  readUntil(separator: string | Uint8Array, options?: ReadUntilOptions): Operation<Buffer> {
    const where = 'stream.readUntil(separator, options)';
    checkBytes(where, 'separator', separator);
    const sep = typeof separator === 'string' ? Buffer.from(separator) : toBuffer(separator);
    if (sep.length === 0) {
      throw new RangeError(`${where}: separator must not be empty, got ${show(separator)}`);
    }
    checkOptions(where, options, ['limit']);
    const limit = options?.limit ?? DEFAULT_LIMIT;
    checkPositiveInteger(where, 'options.limit', limit);
    if (limit < sep.length) {
      throw new RangeError(
        `${where}: options.limit must be at least the separator's length (${sep.length}), got ${limit}`,
      );
    }
    return this.readOp(Kind.Until, limit, sep) as Operation<Buffer>;
  }

  /**
   * `for await (const chunk of stream)`: the chunks `read()` returns, until the end. In a
   * generator task, loop on `yield* stream.read()` instead.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    const next = () => this.readOp(Kind.Next, DEFAULT_READ, null);
    return {
      next: next as unknown as () => Promise<IteratorResult<Buffer>>,
      [Symbol.asyncIterator]() {
        return this;
      },
    } as AsyncIterator<Buffer>;
  }

  private readOp(kind: Kind, n: number, sep: Buffer | null): Operation<unknown> {
    const stream = this;
    // One closure per read, which is also its own cleanup (called with no arguments when
    // the wait is cancelled): the pending read's state lives in the stream's fields, so an
    // idle connection holds no more than this (memory per connection is a benchmark target).
    return fromCallback(function streamRead(
      resolve?: (v: unknown) => void,
      reject?: (e: unknown) => void,
    ) {
      if (resolve === undefined) {
        stream.readDone();
        return;
      }
      if (stream.readBusy) {
        (reject as (e: unknown) => void)(
          new BusyResourceError(
            `${stream.label}: another task is already reading this stream; ` +
              'read from one task at a time (or pass the chunks on through a Channel)',
          ),
        );
        return;
      }
      stream.readKind = kind;
      stream.readN = n;
      stream.readSep = sep;
      stream.scanned = 0;
      stream.readResolve = resolve;
      stream.readReject = reject as (e: unknown) => void;
      if (stream.attemptRead()) return;
      stream.readBusy = true;
      stream.need = kind === Kind.Exactly || kind === Kind.Until ? n : 1;
      stream.flow();
      return streamRead as () => void;
    } as (resolve: (v: unknown) => void, reject: (e: unknown) => void) => () => void);
  }

  /** Completes the pending read if it can be answered now; returns whether it was. */
  private attemptRead(): boolean {
    let result: unknown;
    try {
      result = this.attempt(this.readKind, this.readN, this.readSep);
    } catch (error) {
      const reject = this.readReject;
      this.readDone();
      reject?.(error);
      return true;
    }
    if (result === NOT_YET) return false;
    const resolve = this.readResolve;
    this.readDone();
    resolve?.(result);
    return true;
  }

  private readDone(): void {
    this.readBusy = false;
    this.readResolve = null;
    this.readReject = null;
    this.readSep = null;
    this.need = 0;
    this.flow();
  }

  /** A read's answer now, or NOT_YET; throws the read's error. */
  private attempt(kind: Kind, n: number, sep: Buffer | null): unknown {
    const buffer = this.buffer;
    switch (kind) {
      case Kind.Read:
      case Kind.Next:
        if (buffer.length > 0) {
          const chunk = buffer.takeUpTo(n);
          return kind === Kind.Read ? chunk : { done: false, value: chunk };
        }
        this.throwIfBroken();
        if (this.eof || this.sourceClosed) {
          return kind === Kind.Read ? null : { done: true, value: undefined };
        }
        return NOT_YET;
      case Kind.Exactly:
        if (buffer.length >= n) return buffer.take(n);
        this.throwIfBroken();
        if (this.eof || this.sourceClosed) {
          throw new IncompleteReadError(buffer.take(buffer.length), n);
        }
        return NOT_YET;
      case Kind.Until: {
        const s = sep as Buffer;
        const i = buffer.indexOf(s, this.scanned);
        if (i >= 0) {
          if (i + s.length > n) {
            throw new LimitOverrunError(
              `${this.label}: the separator was found after ${i} bytes, beyond the limit of ${n} bytes`,
              n,
            );
          }
          return buffer.take(i + s.length);
        }
        this.scanned = Math.max(0, buffer.length - s.length + 1);
        if (buffer.length >= n) {
          throw new LimitOverrunError(
            `${this.label}: no separator within the limit of ${n} bytes (the bytes stay unread)`,
            n,
          );
        }
        this.throwIfBroken();
        if (this.eof || this.sourceClosed) {
          throw new IncompleteReadError(buffer.take(buffer.length), null);
        }
        return NOT_YET;
      }
    }
  }

  private throwIfBroken(): void {
    if (this.failure !== null) throw this.failure;
    if (this.closedByUs) throw new ClosedResourceError(`${this.label} was closed by this side`);
  }

  /** Pauses the source above the high-water mark (or what the pending read needs), resumes below. */
  private flow(): void {
    const readable = this.readable;
    if (readable === null) return;
    const threshold = Math.max(this.highWaterMark, this.need);
    if (this.buffer.length >= threshold) {
      if (!this.paused) {
        this.paused = true;
        readable.pause();
      }
    } else if (this.paused) {
      this.paused = false;
      readable.resume();
    }
  }

  // --- writing ----------------------------------------------------------------------------

  /**
   * Writes `data` (a string is sent as UTF-8). Returns at once while the peer keeps up; waits
   * while the peer is slow (backpressure), so a loop of writes never buffers unbounded data.
   *
   * @example
   * await stream.write('hello\n');
   */
  write(data: string | Uint8Array): Operation<void> {
    checkBytes('stream.write(data)', 'data', data);
    const stream = this;
    return fromCallback<void>(function streamWrite(resolve, reject) {
      const writable = stream.writable;
      if (writable === null) {
        reject(new TypeError(`${stream.label} cannot be written (it is read-only)`));
        return;
      }
      if (stream.writeBusy) {
        reject(
          new BusyResourceError(
            `${stream.label}: another task is already writing this stream; ` +
              'write from one task at a time (or send through a Channel to one writer)',
          ),
        );
        return;
      }
      const broken = stream.writeProblem();
      if (broken !== null) {
        reject(broken);
        return;
      }
      if (writable.write(data)) {
        resolve();
        return;
      }
      stream.writeBusy = true;
      stream.writer = (error) => {
        stream.writeBusy = false;
        stream.writer = null;
        if (error === null) resolve();
        else reject(error);
      };
      return () => {
        // The data is queued already: a cancelled write only stops waiting for the drain.
        stream.writeBusy = false;
        stream.writer = null;
      };
    });
  }

  private writeProblem(): Error | null {
    if (this.failure !== null) return this.failure;
    if (this.closedByUs) return new ClosedResourceError(`${this.label} was closed by this side`);
    if (this.writeEnded) {
      return new ClosedResourceError(`${this.label}: the writing side was closed (closeWrite)`);
    }
    if (this.sourceClosed) return new ClosedResourceError(`${this.label} is closed`);
    return null;
  }

  /**
   * Half-closes: sends the end of the stream to the peer (TCP FIN, or closes a subprocess's
   * stdin) once everything written is flushed, and keeps reading. Waits for the flush.
   *
   * @example
   * await stream.write(request);
   * await stream.closeWrite(); // the peer's read() returns null
   * const reply = await stream.read();
   */
  closeWrite(): Operation<void> {
    const stream = this;
    return fromCallback<void>(function streamCloseWrite(resolve, reject) {
      const writable = stream.writable;
      if (writable === null) {
        reject(new TypeError(`${stream.label} cannot be written (it is read-only)`));
        return;
      }
      if (stream.writeBusy) {
        reject(new BusyResourceError(`${stream.label}: another task is writing this stream`));
        return;
      }
      if (stream.writeEnded) {
        resolve();
        return;
      }
      const broken = stream.writeProblem();
      if (broken !== null) {
        reject(broken);
        return;
      }
      stream.writeEnded = true;
      if (writable.writableFinished) {
        resolve();
        return;
      }
      writable.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  // --- closing ----------------------------------------------------------------------------

  /**
   * Closes the stream: the end of the stream goes to the peer once what was written is
   * flushed, then the socket is destroyed. Starts at once, even if not awaited; awaiting it
   * waits until it is closed. Cancelled (or called in a cancelled scope), it destroys the
   * socket at once. Never throws the peer's errors (a reset, a broken pipe): they belong to
   * the reads and writes they concern.
   *
   * @example
   * try { await serve(stream); } finally { await stream.close(); }
   */
  close(): Operation<void> {
    let cancelled = false;
    try {
      cancelled = abortSignal().aborted;
    } catch {
      // called outside a task: close politely
    }
    if (cancelled) this.destroy();
    else this.closeSoon();
    const stream = this;
    return fromCallback<void>(function streamClose(resolve) {
      if (stream.openSources === 0) {
        resolve();
        return;
      }
      (stream.closeWaiters ??= []).push(resolve);
      return () => {
        stream.destroy();
        const waiters = stream.closeWaiters;
        if (waiters !== null) waiters.splice(waiters.indexOf(resolve), 1);
      };
    });
  }

  /** Closes at once, dropping unsent data (a forced close). */
  destroy(): void {
    this.closedByUs = true;
    this.unbind();
    this.readable?.destroy();
    if ((this.writable as unknown) !== this.readable) this.writable?.destroy();
  }

  private closeSoon(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.unbind();
    const writable = this.writable;
    if (writable === null || writable.writableFinished || writable.destroyed) {
      this.destroy();
      return;
    }
    writable.once('finish', () => this.destroy());
    if (!writable.writableEnded) writable.end();
    // The reading side is no longer wanted: stop buffering the peer's data.
    this.readable?.pause();
  }

  /** @internal Destroys the stream when `signal` aborts (the owning task is cancelled). */
  bindTo(signal: AbortSignal): void {
    if (signal.aborted) {
      this.destroy();
      return;
    }
    this.ownerSignal = signal;
    this.onOwnerAbort = () => this.destroy();
    signal.addEventListener('abort', this.onOwnerAbort);
  }

  private onOwnerAbort: (() => void) | null = null;

  private unbind(): void {
    if (this.ownerSignal !== null) {
      this.ownerSignal.removeEventListener('abort', this.onOwnerAbort as () => void);
      this.ownerSignal = null;
      this.onOwnerAbort = null;
    }
  }

  // --- events from the source -------------------------------------------------------------

  /** @internal */
  received(chunk: Buffer | string): void {
    this.buffer.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (!this.readBusy || !this.attemptRead()) this.flow();
  }

  /** @internal */
  ended(): void {
    this.eof = true;
    if (this.readBusy) this.attemptRead();
  }

  /** @internal */
  failed(error: Error): void {
    if (this.failure === null) this.failure = error;
    if (this.readBusy) this.attemptRead();
    this.writer?.(error);
  }

  /** @internal */
  drained(): void {
    this.writer?.(null);
  }

  /** @internal */
  sourceClose(): void {
    if (--this.openSources > 0) return;
    this.sourceClosed = true;
    this.unbind();
    if (this.readBusy) this.attemptRead();
    this.writer?.(this.failure ?? new ClosedResourceError(`${this.label} closed while writing`));
    const waiters = this.closeWaiters;
    this.closeWaiters = null;
    if (waiters !== null) for (const resolve of waiters) resolve();
  }

  toString(): string {
    return this.label;
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

// Shared listeners: `this` is the emitter, which carries its Stream.
function onData(this: Source, chunk: Buffer | string): void {
  this[STREAM]?.received(chunk);
}
function onEnd(this: Source): void {
  this[STREAM]?.ended();
}
function onError(this: Source, error: Error): void {
  this[STREAM]?.failed(error);
}
function onClose(this: Source): void {
  this[STREAM]?.sourceClose();
}
function onDrain(this: Source): void {
  this[STREAM]?.drained();
}
