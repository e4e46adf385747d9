/**
 * Operations: values that are both awaitable (`await op`, in async functions) and
 * delegable (`yield* op`, in generator functions), so the three coroutine styles of the
 * talk share one set of waiting functions.
 *
 * An operation is a description, not a running thing: `sleep(10)` does nothing until a task
 * waits on it, and the same value may be waited on again. Primitive operations implement
 * `start`/`abort` (see continuation.ts); composite ones are written as generators
 * (`Composite`) and run in the waiting task.
 */
import { AsyncWait, Continuation, PENDING, park, wake, type Waitable } from './continuation.js';
import { currentContext, type Context } from './context.js';
import { CancelledError, InvalidStateError } from './errors.js';
import { cancelledScope } from './scope.js';
import { Fiber, type FiberOwner } from './fiber.js';

/** Marks the prototypes of Operation and Task, the two kinds of thing a task may wait on. */
export const WAITABLE: unique symbol = Symbol('simul.waitable');

/** Checked by the driver on every yield: a plain `yield value` is a bug worth a clear error. */
export function isWaitable(value: unknown): value is Waitable {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [WAITABLE]?: boolean })[WAITABLE] === true
  );
}

export abstract class Operation<T> implements Waitable {
  abstract readonly cancellable: boolean;
  abstract start(k: Continuation): unknown;
  abort(_k: Continuation): void {}
  abstract describe(k: Continuation | null): string;

  /** Makes the operation awaitable. Use `await op`; the return value is not a promise. */
  then(onfulfilled: (value: T) => unknown, onrejected?: (reason: unknown) => unknown): void {
    awaitWaitable(this, onfulfilled as (value: unknown) => unknown, onrejected);
  }

  /** Makes the operation delegable: `const value = yield* op`. */
  [Symbol.iterator](): Iterator<Waitable, T, unknown> {
    return new OpIterator<T>(this);
  }
}
(Operation.prototype as unknown as { [WAITABLE]: boolean })[WAITABLE] = true;

/**
 * Shared iterator results. The consumer of an operation's iterator is always `yield*` or the
 * task driver, and both read `value` and `done` the moment `next()` returns; a suspended
 * `yield*` keeps the last result in a register, though, so a fresh object per wait would
 * stay alive for the whole wait (40 bytes per sleeping task). Do not keep these objects.
 */
const YIELDED: IteratorYieldResult<Waitable> = {
  value: undefined as unknown as Waitable,
  done: false,
};
const RETURNED: IteratorReturnResult<unknown> = { value: undefined, done: true };

export function yieldResult(op: Waitable): IteratorYieldResult<Waitable> {
  YIELDED.value = op;
  return YIELDED;
}

export function returnResult<T>(value: unknown): IteratorReturnResult<T> {
  RETURNED.value = value;
  return RETURNED as IteratorReturnResult<T>;
}

/** Yields the operation once to the task's driver and returns what it is resumed with. */
export class OpIterator<T> implements Iterator<Waitable, T, unknown> {
  private started = false;
  constructor(private readonly op: Waitable) {}
  next(value?: unknown): IteratorResult<Waitable, T> {
    if (this.started) return returnResult<T>(value);
    this.started = true;
    return yieldResult(this.op);
  }
  throw(error: unknown): IteratorResult<Waitable, T> {
    throw error;
  }
  return(value?: T): IteratorResult<Waitable, T> {
    return returnResult<T>(value);
  }
  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * Starts a wait for continuation `k`: a cancellable wait in a cancelled scope throws at once
 * (level-triggered cancellation), otherwise the operation completes or parks `k`.
 */
export function begin(op: Waitable, k: Continuation): unknown {
  if (op.cancellable) {
    const cancelled = cancelledScope(k.scope);
    if (cancelled !== null) throw new CancelledError(cancelled.cancelReason);
  }
  return op.start(k);
}

/**
 * `await op` inside an async function: the task in the AsyncLocalStorage context waits, as
 * its own continuation if it is free, or through an AsyncWait (a second concurrent await).
 */
export function awaitWaitable(
  op: Waitable,
  onfulfilled: (value: unknown) => unknown,
  onrejected: ((reason: unknown) => unknown) | undefined,
): void {
  const ctx = currentContext();
  if (ctx === undefined) {
    onrejected?.(
      new InvalidStateError(
        `${op.describe(null)} was awaited outside a simul task; ` +
          'await operations inside run(), or delegate with yield* in a generator task',
      ),
    );
    return;
  }
  awaitIn(ctx, op, onfulfilled, onrejected);
}

export function awaitIn(
  ctx: Context,
  op: Waitable,
  onfulfilled: (value: unknown) => unknown,
  onrejected: ((reason: unknown) => unknown) | undefined,
): void {
  const task = ctx.task;
  const own = ctx === task && task.claimAwait(onfulfilled, onrejected);
  const k = own ? task : new AsyncWait(ctx, onfulfilled, onrejected);
  let result: unknown;
  try {
    result = begin(op, k);
  } catch (error) {
    if (own) task.releaseAwait();
    onrejected?.(error);
    return;
  }
  if (result !== PENDING) {
    if (own) task.releaseAwait();
    onfulfilled(result);
  }
}

/**
 * An operation written as a generator (withTimeout, taskGroup, all...). Delegating to it
 * runs the generator inline in the task; awaiting it (or yielding it without `*`) runs it
 * as a nested fiber of the same task.
 */
export class Composite<T> extends Operation<T> {
  readonly cancellable = false; // cancellation reaches the waits inside instead
  constructor(
    private readonly label: string,
    private readonly make: () => Iterator<unknown, T, unknown>,
  ) {
    super();
  }

  override [Symbol.iterator](): Iterator<Waitable, T, unknown> {
    return this.make() as Iterator<Waitable, T, unknown>;
  }

  start(k: Continuation): unknown {
    const owner = new NestedOwner(k);
    const fiber = new Fiber(k.task, k.scope, this.make(), owner);
    fiber.run();
    if (owner.settled) {
      if (owner.ok) return owner.value;
      throw owner.value;
    }
    owner.parked = true;
    return park(k, this, fiber);
  }

  describe(): string {
    return this.label;
  }
}

class NestedOwner implements FiberOwner {
  settled = false;
  parked = false;
  ok = true;
  value: unknown = undefined;
  constructor(private readonly k: Continuation) {}
  fiberDone(_fiber: Fiber, ok: boolean, value: unknown): void {
    if (this.parked) {
      wake(this.k, ok, value);
    } else {
      this.settled = true;
      this.ok = ok;
      this.value = value;
    }
  }
}
