/**
 * Waits on things outside simul: `until(promise)` and `fromCallback(register)`. While one
 * is in flight the loop counts a foreign wait, so the virtual clock does not jump ahead of
 * real I/O and the deadlock check does not fire while an answer may still come.
 */
import { Continuation, park, wake } from './continuation.js';
import { Operation } from './operation.js';
import { checkFunction, show } from './validate.js';
import type { Loop } from './loop.js';

class ForeignWait {
  settled = false;
  cleanup: (() => void) | undefined = undefined;
  constructor(
    readonly k: Continuation,
    readonly loop: Loop,
  ) {
    loop.foreignWaits++;
  }
  /** Returns false if the wait was settled (or aborted) already. */
  settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.loop.foreignWaits--;
    return true;
  }
}

class Until<T> extends Operation<T> {
  readonly cancellable = true;
  constructor(private readonly source: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)) {
    super();
  }
  start(k: Continuation): unknown {
    const source = this.source;
    let promise: PromiseLike<T>;
    if (typeof source === 'function') {
      promise = source(k.scope.signal);
      if (!isThenable(promise)) {
        throw new TypeError(
          `until(start): start must return a promise or thenable, got ${show(promise)}`,
        );
      }
    } else promise = source;
    const wait = new ForeignWait(k, k.task.loop);
    promise.then(
      (value) => {
        if (wait.settle()) wake(k, true, value);
      },
      (error) => {
        if (wait.settle()) wake(k, false, error);
      },
    );
    return park(k, this, wait);
  }
  override abort(k: Continuation): void {
    (k.waitData as ForeignWait).settle();
  }
  describe(): string {
    return typeof this.source === 'function'
      ? `a foreign promise (until ${this.source.name || 'start'})`
      : 'a foreign promise (until)';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Waits for a promise from outside simul, cancellably: if the wait's scope is cancelled the
 * wait ends at once with CancelledError. Given a promise, the work behind it runs on; given a
 * function, `until` calls it with the scope's AbortSignal (see `abortSignal()`) when the wait
 * starts, so that cancelling the wait, or a deadline around it, also stops the work. The
 * function is called each time the operation is waited on.
 *
 * @example
 * const res = await until((signal) => fetch(url, { signal })); // cancelled → request aborted
 * const text = await until(readFile(path, 'utf8'));          // cancelled → result ignored
 */
export function until<T>(
  promiseOrStart: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>),
): Operation<T> {
  if (typeof promiseOrStart !== 'function' && !isThenable(promiseOrStart)) {
    throw new TypeError(
      `until(promise): promise must be a promise, a thenable or a function (signal) => promise, got ${show(promiseOrStart)}`,
    );
  }
  return new Until(promiseOrStart);
}

export type Register<T> = (
  resolve: (value: T) => void,
  reject: (error: unknown) => void,
) => (() => void) | void;

class FromCallback<T> extends Operation<T> {
  readonly cancellable = true;
  constructor(private readonly register: Register<T>) {
    super();
  }
  start(k: Continuation): unknown {
    const wait = new ForeignWait(k, k.task.loop);
    let parked = false;
    let syncOk = true;
    let syncValue: unknown;
    const settle = (ok: boolean, value: unknown): void => {
      if (!wait.settle()) return;
      if (parked) wake(k, ok, value);
      else {
        syncOk = ok;
        syncValue = value;
      }
    };
    let cleanup: unknown;
    try {
      cleanup = this.register(
        (value) => settle(true, value),
        (error) => settle(false, error),
      );
    } catch (error) {
      wait.settle();
      throw error;
    }
    if (cleanup !== undefined && typeof cleanup !== 'function') {
      wait.settle();
      throw new TypeError(
        `fromCallback(register): register must return a cleanup function or nothing, got ${show(cleanup)}`,
      );
    }
    if (wait.settled) {
      if (syncOk) return syncValue;
      throw syncValue;
    }
    wait.cleanup = cleanup as (() => void) | undefined;
    parked = true;
    return park(k, this, wait);
  }
  override abort(k: Continuation): void {
    const wait = k.waitData as ForeignWait;
    if (!wait.settle()) return;
    if (wait.cleanup !== undefined) {
      try {
        wait.cleanup();
      } catch (error) {
        k.task.loop.crash(error);
      }
    }
  }
  describe(): string {
    return `a callback (fromCallback ${this.register.name || 'register'})`;
  }
}

/**
 * Wraps a callback API as an operation. `register(resolve, reject)` starts the work and
 * may return a cleanup function, which runs if the waiting task is cancelled first.
 *
 * @example
 * const timeout = (ms) => fromCallback((resolve) => {
 *   const id = setTimeout(resolve, ms);
 *   return () => clearTimeout(id);
 * });
 */
export function fromCallback<T>(register: Register<T>): Operation<T> {
  checkFunction('fromCallback(register)', 'register', register);
  return new FromCallback(register);
}
