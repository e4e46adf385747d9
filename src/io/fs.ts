/**
 * `fs`: the promise API of `node:fs/promises` as operations (SPEC §6). Each call is a foreign
 * wait the loop knows about, and cancellable: where Node takes a signal (`readFile`,
 * `writeFile`) the scope's `abortSignal()` is passed, so a cancelled read of a large file
 * stops reading; elsewhere the wait ends at once and the result is dropped, and a file
 * handle (or directory) that is opened after its caller was cancelled is closed, not leaked.
 *
 * `fs.constants` is node's. File handles from `fs.open` are node's `FileHandle`: wait on
 * their methods with `until(handle.read(...))`, and close them in a `finally`.
 */
import fsp from 'node:fs/promises';
import { until } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';
import type { AsOperations } from './as-operations.js';

/** Where each function takes an options object that may carry a signal (argument index). */
const SIGNAL_OPTION: Readonly<Record<string, number>> = { readFile: 1, writeFile: 2 };

/** Functions whose result is a resource to close if nobody is left to take it. */
const CLOSABLE = new Set(['open', 'opendir']);

/** Functions that do not return a promise: not operations. */
const NOT_PROMISES = new Set(['watch', 'glob']);

/** Adds `signal` to the options argument (a string is an encoding), keeping a caller's own. */
export function withSignal(options: unknown, signal: AbortSignal): unknown {
  if (options === undefined || options === null) return { signal };
  if (typeof options === 'string') return { encoding: options, signal };
  if (typeof options !== 'object') return options; // node reports the bad argument
  const own = (options as { signal?: unknown }).signal;
  const combined = own instanceof AbortSignal ? AbortSignal.any([own, signal]) : signal;
  return { ...options, signal: combined };
}

function closeLater(resource: unknown): void {
  const close = (resource as { close?: () => Promise<void> } | null)?.close;
  if (typeof close === 'function') close.call(resource).catch(() => {});
}

/** Wraps `fn` (named `name` in `module`) as a function returning an operation. */
export function operationOf(
  name: string,
  fn: (...args: unknown[]) => Promise<unknown>,
  signalAt: number | undefined,
  closable: boolean,
): (...args: unknown[]) => Operation<unknown> {
  const wrapped = (...args: unknown[]): Operation<unknown> =>
    until(function call(signal: AbortSignal) {
      let callArgs = args;
      if (signalAt !== undefined) {
        callArgs = args.slice();
        while (callArgs.length < signalAt) callArgs.push(undefined);
        callArgs[signalAt] = withSignal(args[signalAt], signal);
      }
      const promise = fn.apply(fsp, callArgs);
      if (closable) {
        // The wait may be gone (cancelled) by the time the resource exists: close it then.
        promise.then(
          (resource) => signal.aborted && closeLater(resource),
          () => {},
        );
      }
      return promise;
    });
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped;
}

type Fs = AsOperations<typeof fsp> & { readonly constants: typeof fsp.constants };

function build(): Fs {
  const out: Record<string, unknown> = { constants: fsp.constants };
  for (const [name, value] of Object.entries(fsp)) {
    if (typeof value !== 'function' || NOT_PROMISES.has(name) || /^[A-Z]/.test(name)) continue;
    out[name] = operationOf(
      name,
      value as (...args: unknown[]) => Promise<unknown>,
      SIGNAL_OPTION[name],
      CLOSABLE.has(name),
    );
  }
  return Object.freeze(out) as Fs;
}

/**
 * `node:fs/promises` as operations: `await fs.readFile(path, 'utf8')` in an async task,
 * `yield* fs.readFile(path, 'utf8')` in a generator task. Typed from Node's declarations.
 *
 * @example
 * import { fs } from 'simul';
 * const text = await withTimeout(1000, () => fs.readFile('config.json', 'utf8'));
 * await fs.writeFile('out.txt', text.toUpperCase());
 */
export const fs: Fs = build();
