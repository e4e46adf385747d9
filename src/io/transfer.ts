/**
 * `transfer(buffer)`: marks an ArrayBuffer (or a view on one) to be moved to a thread rather
 * than copied, in the arguments of `toThread` or as a job's result. The sender's buffer is
 * detached (its length becomes 0). A process executor copies it (processes share no memory).
 */
import { show } from './validate.js';

export class Transfer<T extends ArrayBuffer | ArrayBufferView = ArrayBuffer | ArrayBufferView> {
  /** @internal */
  constructor(readonly value: T) {}

  /** The ArrayBuffer to move. */
  get buffer(): ArrayBuffer {
    const v = this.value as ArrayBuffer | ArrayBufferView;
    return (ArrayBuffer.isView(v) ? v.buffer : v) as ArrayBuffer;
  }
}

/**
 * Moves `value` (an ArrayBuffer or a typed array over one) to the worker instead of copying it.
 *
 * @example
 * const digest = await toThread(hashJob, transfer(bigBuffer)); // bigBuffer is detached now
 */
export function transfer<T extends ArrayBuffer | ArrayBufferView>(value: T): Transfer<T> {
  const ok = value instanceof ArrayBuffer || ArrayBuffer.isView(value);
  if (!ok) {
    throw new TypeError(
      `transfer(value): value must be an ArrayBuffer or a typed array, got ${show(value)}`,
    );
  }
  return new Transfer(value);
}

/** Unwraps Transfer markers in `args`; returns the values and the buffers to move. */
export function unwrapTransfers(args: unknown[]): {
  args: unknown[];
  transferList: ArrayBuffer[] | null;
} {
  if (!args.some((arg) => arg instanceof Transfer)) return { args, transferList: null };
  const transferList: ArrayBuffer[] = [];
  const out = args.map((arg) => {
    if (!(arg instanceof Transfer)) return arg;
    transferList.push(arg.buffer);
    return arg.value;
  });
  return { args: out, transferList };
}
