/**
 * Bodies: the functions given to `spawn`, `run`, `withTimeout`, `taskGroup`... What a body is
 * is decided by what calling it returns: a generator is driven step by step, an operation is
 * delegated to, a promise is awaited (an async function), and any other value is the result.
 * Async functions are called inside their context's AsyncLocalStorage frame so that their
 * awaits know their task and scope, and the call counts as async code of the task in flight
 * (step.ts) until the body parks or ends.
 */
import {
  asyncEntered,
  asyncParked,
  park,
  wake,
  type Continuation,
  type WaitingTask,
} from './continuation.js';
import { getRunningFiber, setRunningFiber, storage, type Context } from './context.js';
import { AsyncBodyContext, isWaitable, Operation } from './operation.js';
import type { ScopeLike } from './scope.js';
import { checkFunction } from './validate.js';

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function* () {}).constructor;

export type BodyCall =
  | { kind: 'iterator'; iterator: Iterator<unknown, unknown, unknown> }
  | { kind: 'promise'; promise: PromiseLike<unknown> }
  | { kind: 'value'; value: unknown };

export function isGeneratorFunction(fn: unknown): boolean {
  return fn instanceof GeneratorFunction;
}

/** Checks a body argument: a function, and not an async generator function (not a task). */
export function checkBody(where: string, name: string, body: unknown): void {
  checkFunction(where, name, body);
  if (body instanceof AsyncGeneratorFunction) {
    throw new TypeError(
      `${where}: ${name} must be an async function, a generator function or a function ` +
        'returning an operation, got an async generator function',
    );
  }
}

/** A body's result as something to drive: an operation or a generator; null otherwise. */
export function classifyBodyResult(result: unknown): Iterator<unknown, unknown, unknown> | null {
  if (isWaitable(result)) {
    return (result as unknown as Iterable<unknown>)[Symbol.iterator]() as Iterator<unknown>;
  }
  if (typeof result === 'object' && result !== null) {
    const r = result as { next?: unknown; throw?: unknown };
    if (typeof r.next === 'function' && typeof r.throw === 'function') {
      return result as Iterator<unknown, unknown, unknown>;
    }
  }
  return null;
}

/** True for a promise or thenable that is not a simul operation or a generator. */
export function isForeignThenable(result: unknown): result is PromiseLike<unknown> {
  return (
    result !== null &&
    typeof result === 'object' &&
    !isWaitable(result) &&
    typeof (result as PromiseLike<unknown>).then === 'function' &&
    typeof (result as { next?: unknown }).next !== 'function'
  );
}

/**
 * Calls `body` in `ctx` and classifies what it returned. Throws what `body` throws. A
 * returned promise counts as async code of the task in flight: whoever waits for it must call
 * `asyncParked` when it settles (AwaitBody does).
 */
export function callBody(where: string, body: () => unknown, ctx: Context): BodyCall {
  if (body instanceof GeneratorFunction) {
    return { kind: 'iterator', iterator: body() as Iterator<unknown, unknown, unknown> };
  }
  if (body instanceof AsyncGeneratorFunction) {
    throw new TypeError(
      `${where}: body must be an async function, a generator function or a function returning ` +
        'an operation, got an async generator function',
    );
  }
  const task = ctx.task;
  task.asyncState++; // the call may start async code; undone below if it did not
  // The body's first stretch runs now, inside the generator that calls it: it must see its
  // own context, not the generator's.
  const fiber = getRunningFiber();
  setRunningFiber(null);
  let result: unknown;
  try {
    result = storage.run(ctx, body);
  } catch (error) {
    task.asyncState--;
    throw error;
  } finally {
    setRunningFiber(fiber);
  }
  if (isForeignThenable(result)) return { kind: 'promise', promise: result };
  task.asyncState--;
  const iterator = classifyBodyResult(result);
  if (iterator !== null) return { kind: 'iterator', iterator };
  return { kind: 'value', value: result };
}

/** Waits for the promise of an async body; cancellation reaches the body's own waits instead. */
class AwaitBody extends Operation<unknown> {
  readonly cancellable = false;
  constructor(
    private readonly promise: PromiseLike<unknown>,
    private readonly ctx: AsyncBodyContext,
  ) {
    super();
  }
  start(k: Continuation): unknown {
    const ctx = this.ctx;
    const settle = (ok: boolean, value: unknown): void => {
      const task = ctx.task;
      asyncEntered(task);
      ctx.endPendingAwaits(task.waits());
      wake(k, ok, value);
      asyncParked(task);
    };
    this.promise.then(
      (value) => settle(true, value),
      (error) => settle(false, error),
    );
    return park(k, this);
  }
  describe(): string {
    return 'its async body';
  }
}

/**
 * Runs `body` inside the current generator (a task's, or a composite's fiber), in `scope`:
 * delegates to what it returns, awaits it, or returns its value.
 */
export function* runBody(
  where: string,
  body: () => unknown,
  task: WaitingTask,
  scope: ScopeLike,
): Generator<unknown, unknown, unknown> {
  const ctx = new AsyncBodyContext(task, scope);
  const call = callBody(where, body, ctx);
  if (call.kind === 'iterator') {
    const iterator = call.iterator;
    return yield* { [Symbol.iterator]: () => iterator };
  }
  if (call.kind === 'promise') return yield* new AwaitBody(call.promise, ctx);
  return call.value;
}
