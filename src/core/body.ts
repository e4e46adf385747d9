/**
 * What a task body (or a scope body) is, decided by what calling it returns: a generator is
 * driven step by step, an operation is delegated to, a promise is awaited (an async
 * function), and any other value is the result. Async functions are called inside the
 * task's AsyncLocalStorage context so their awaits know their task.
 */
import { storage, type Context } from './context.js';
import { checkFunction } from './validate.js';
import { isWaitable, type Operation } from './operation.js';
import type { Task } from './task.js';

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

/** Calls `body` in `ctx` and classifies what it returned. Throws what `body` throws. */
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
  const result = storage.run(ctx, body);
  const iterator = classifyBodyResult(result);
  if (iterator !== null) return { kind: 'iterator', iterator };
  if (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as PromiseLike<unknown>).then === 'function'
  ) {
    return { kind: 'promise', promise: result as PromiseLike<unknown> };
  }
  return { kind: 'value', value: result };
}

/** The value a body produces: what its operation, generator or promise finishes with. */
export type BodyValue<R> =
  R extends Operation<infer T>
    ? T
    : R extends Task<infer T>
      ? T
      : R extends Iterator<unknown, infer T, never>
        ? T
        : R extends PromiseLike<infer T>
          ? T
          : R;
