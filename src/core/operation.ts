/**
 * Operations: values that are both awaitable (`await op`, in async functions) and
 * delegable (`yield* op`, in generator functions), so the three coroutine styles of the
 * talk share one set of waiting functions.
 *
 * An operation is a description, not a running thing: `sleep(10)` does nothing until a task
 * waits on it, and the same value may be waited on again. Primitive operations implement
 * `start`/`abort` (see continuation.ts); composite ones are written as generators
 * (composite.ts) and run in the waiting task.
 *
 * `await op` reaches `op.then(resolve, reject)` (V8 calls it from a microtask right after the
 * async function suspends): that is where the task parks, and where the loop learns that the
 * task's step is over. So `then` starts the wait and returns nothing: an operation is
 * awaitable, not a promise to chain (a promise returned from every `then` would cost an
 * allocation and ~150 B per sleeping task, for a value `await` throws away).
 */
import {
  asyncEntered,
  asyncParked,
  asyncResumed,
  Continuation,
  interrupt,
  PENDING,
  Thrown,
  type Waitable,
  type WaitingTask,
} from './continuation.js';
import { currentContext, type Context } from './context.js';
import { CancelledError, InvalidStateError } from './errors.js';
import { cancelledScope, type ScopeLike } from './scope.js';

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

/**
 * Debug mode's record of the operations made in task steps and not waited on yet (a
 * forgotten `await`): null unless a debug run is running, so that making and using an
 * operation costs one null check otherwise.
 */
export interface OperationTracker {
  made(op: object): void;
  used(op: object): void;
}

let tracker: OperationTracker | null = null;

/** @internal Set by debug runs while at least one runs (debug-options.ts). */
export function setOperationTracker(next: OperationTracker | null): void {
  tracker = next;
}

/**
 * @internal An operation a primitive keeps and hands out again and again (`lock.acquire()`,
 * `queue.get()`): made by simul, not by the program, so never reported as forgotten.
 */
export function reusable<O extends object>(op: O): O {
  operationUsed(op);
  return op;
}

/** @internal `op` is waited on, delegated to, or handed to something that will (all, race). */
export function operationUsed(op: object): void {
  if (tracker !== null) tracker.used(op);
}

export abstract class Operation<T> implements Waitable {
  constructor() {
    if (tracker !== null) tracker.made(this);
  }

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
  // Every wait starts here (an await, a yield*, a combinator's): the one place to note it.
  if (tracker !== null) tracker.used(op);
  if (op.cancellable) {
    const cancelled = cancelledScope(k.scope);
    if (cancelled !== null) {
      const debug = k.task.loop.debug;
      if (debug !== null) debug.cancelDelivered(k.task, cancelled, op);
      throw new CancelledError(cancelled.cancelReason);
    }
  }
  return op.start(k);
}

/** `await op` inside an async function: the code's context (from AsyncLocalStorage) waits. */
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

/**
 * Waits on `op` for async code running in `ctx`. A wait that completes at once resolves the
 * await and the code runs on in the same step; one that parks ends this piece of the step.
 */
export function awaitIn(
  ctx: Context,
  op: Waitable,
  onfulfilled: (value: unknown) => unknown,
  onrejected: ((reason: unknown) => unknown) | undefined,
): void {
  const task = ctx.task;
  asyncEntered(task);
  const claimed = ctx.claimAwait(onfulfilled, onrejected);
  const k = claimed ?? new AsyncWait(ctx, onfulfilled, onrejected);
  let result: unknown;
  try {
    result = begin(op, k);
  } catch (error) {
    if (claimed !== null) ctx.releaseAwait();
    onrejected?.(error);
    return;
  }
  if (result === PENDING) {
    const debug = task.loop.debug;
    if (debug !== null) debug.awaitParked(k, op);
    asyncParked(task);
  } else {
    if (claimed !== null) ctx.releaseAwait();
    onfulfilled(result);
  }
}

/** Resumes an await: calls what `then` was given, with the value or error the wait ended with. */
export function resumeAwait(
  k: Continuation,
  resolve: (value: unknown) => unknown,
  reject: ((reason: unknown) => unknown) | undefined,
): void {
  const task = k.task;
  asyncResumed(task);
  task.status = 'running';
  const value = k.resumeValue;
  k.resumeValue = undefined;
  if (!(value instanceof Thrown)) resolve(value);
  else if (reject !== undefined) reject(value.error);
}

/** A second `await op` of async code whose context's own await is taken (`Promise.all` of operations). */
export class AsyncWait extends Continuation {
  readonly task: WaitingTask;
  scope: ScopeLike;
  constructor(
    /** The context whose code awaits (for ending it with its body). */
    readonly context: Context,
    private readonly resolve: (value: unknown) => unknown,
    private readonly reject: ((reason: unknown) => unknown) | undefined,
  ) {
    super();
    this.task = context.task;
    this.scope = context.scope;
  }

  run(): void {
    resumeAwait(this, this.resolve, this.reject);
  }
}

function ignoreRejection(): void {}

/**
 * The context of a scope body that is an async function (`withTimeout(ms, async () => ...)`):
 * the body's awaits park here, one at a time, at no extra cost, as a task's own awaits do.
 */
export class AsyncBodyContext extends Continuation implements Context {
  private resolve: ((value: unknown) => unknown) | null = null;
  private reject: (reason: unknown) => unknown = ignoreRejection;

  constructor(
    readonly task: WaitingTask,
    public scope: ScopeLike,
  ) {
    super();
  }

  claimAwait(
    resolve: (value: unknown) => unknown,
    reject: ((reason: unknown) => unknown) | undefined,
  ): Continuation | null {
    if (this.resolve !== null) return null;
    this.resolve = resolve;
    this.reject = reject ?? ignoreRejection;
    return this;
  }

  releaseAwait(): void {
    this.resolve = null;
    this.reject = ignoreRejection;
  }

  run(): void {
    const resolve = this.resolve as (value: unknown) => unknown;
    const reject = this.reject;
    this.releaseAwait();
    resumeAwait(this, resolve, reject);
  }

  /**
   * The body has ended with awaits still pending (the losers of a `Promise.race` of
   * operations): nobody will resume them, so they end with CancelledError and their
   * registrations are undone, so no timer, wait-queue place or foreign wait outlives the body.
   */
  endPendingAwaits(waits: readonly Continuation[]): void {
    const reason = 'the body returned while this await was pending';
    for (const k of waits) {
      if (k === this || (k instanceof AsyncWait && k.context === this)) {
        interrupt(k, new CancelledError(reason));
      }
    }
  }
}
