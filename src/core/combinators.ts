/**
 * `all` and `race`: Promise.all and Promise.race with structured concurrency. Each
 * operation runs in a task of its own inside a task group, so the losers of a race and the
 * siblings of a failure are cancelled (and their `finally` blocks run) before the
 * combinator returns, instead of being abandoned to run on.
 */
import { cancellationOf } from './errors.js';
import { Composite } from './composite.js';
import { isWaitable, operationUsed, type Operation } from './operation.js';
import type { Waitable } from './continuation.js';
import { Select } from './select.js';
import { taskGroup } from './task-group.js';
import { until } from './foreign.js';
import { show } from './validate.js';

/** What `all` and `race` accept: operations, tasks, or foreign promises (waited with `until`). */
export type Awaitable<T> =
  Operation<T> | PromiseLike<T> | { [Symbol.iterator](): Iterator<Waitable, T, unknown> };

export type AwaitedValue<A> =
  A extends Operation<infer T>
    ? T
    : A extends { [Symbol.iterator](): Iterator<Waitable, infer T, unknown> }
      ? T
      : A extends PromiseLike<infer T>
        ? T
        : never;

function toOperations(where: string, ops: unknown): Iterable<unknown>[] {
  const single = singleKind(ops);
  if (single !== null) {
    // An operation is iterable too (for yield*), so Array.from would take it for a list of
    // what it yields: all(sleep(1)) would resolve [undefined] instead of failing.
    const fn = where.slice(0, where.indexOf('('));
    throw new TypeError(
      `${where}: ops must be an array of operations, got a single ${single} ` +
        `(${show(ops)}); wrap it in an array: ${fn}([op])`,
    );
  }
  if (
    ops === null ||
    typeof ops !== 'object' ||
    typeof (ops as Iterable<unknown>)[Symbol.iterator] !== 'function'
  ) {
    throw new TypeError(
      `${where}: ops must be an array (or iterable) of operations, got ${show(ops)}`,
    );
  }
  return Array.from(ops as Iterable<unknown>, (op, i) => {
    if (isWaitable(op)) {
      operationUsed(op); // waited on by the combinator, when it is
      return op as unknown as Iterable<unknown>;
    }
    if (
      op !== null &&
      typeof op === 'object' &&
      typeof (op as PromiseLike<unknown>).then === 'function'
    ) {
      return until(op as PromiseLike<unknown>) as unknown as Iterable<unknown>;
    }
    throw new TypeError(
      `${where}: ops[${i}] must be an operation, a task or a promise, got ${show(op)}`,
    );
  });
}

/** What `ops` is if it is one thing to wait on rather than a list of them; null otherwise. */
function singleKind(ops: unknown): string | null {
  if (isWaitable(ops)) return 'operation';
  if (
    ops !== null &&
    typeof ops === 'object' &&
    typeof (ops as PromiseLike<unknown>).then === 'function'
  ) {
    return 'promise';
  }
  return null;
}

/**
 * Waits for every operation, concurrently; returns their values in order. The first
 * failure cancels the others and is thrown (several: a TaskGroupError).
 *
 * @example
 * const [a, b] = await all([fetchA(), fetchB()]);
 */
export function all<const A extends readonly unknown[]>(
  ops: A,
): Operation<{ -readonly [K in keyof A]: AwaitedValue<A[K]> }> {
  const list = toOperations('all(ops)', ops);
  return new Composite(`all(${list.length})`, function* () {
    const results: unknown[] = new Array(list.length);
    yield* taskGroup(function* (g) {
      list.forEach((op, i) =>
        g.spawn(
          function* () {
            results[i] = yield* op as Iterable<unknown>;
          },
          { name: `all[${i}]` },
        ),
      );
    });
    return results;
  }) as Operation<{ -readonly [K in keyof A]: AwaitedValue<A[K]> }>;
}

/** A wait that `race` can undo in one instant (see select.ts): not a composite of its own code. */
function isPrimitiveWait(op: unknown): op is Waitable {
  return isWaitable(op) && !(op instanceof Composite);
}

/**
 * Waits for the first operation to finish, with its value or its error; the others are
 * cancelled and finish before `race` returns.
 *
 * Among the waits passed to it directly (sleeps, joins, promises, `queue.get()`,
 * `channel.receive()`, `lock.acquire()`, `sem.acquire()`...) at most one happens, as in Go's
 * `select`: a loser that could have taken an item or a permit in the same instant leaves it
 * where it was. A composite operation (withTimeout, taskGroup, all...) runs in a task of its
 * own and is cancelled if it loses; what it did before that is its own business.
 *
 * @example
 * const winner = await race([download(mirrorA), download(mirrorB)]);
 * const job = await race([jobs.get(), sleep(1000)]); // undefined after 1 s, and no job lost
 */
export function race<const A extends readonly unknown[]>(
  ops: A,
): Operation<AwaitedValue<A[number]>> {
  const list = toOperations('race(ops)', ops);
  if (list.length === 0) {
    throw new RangeError('race(ops): ops must hold at least one operation, got an empty list');
  }
  const label = `race(${list.length})`;
  if (list.every(isPrimitiveWait)) {
    return new Select(label, list as unknown as Waitable[]) as Operation<AwaitedValue<A[number]>>;
  }
  const primitives = list.filter(isPrimitiveWait) as unknown as Waitable[];
  const composites = list.filter((op) => !isPrimitiveWait(op));
  return new Composite(label, function* () {
    let decided = false;
    let ok = true;
    let outcome: unknown;
    yield* taskGroup(function* (g) {
      const decide = (isOk: boolean, value: unknown): boolean => {
        if (decided) return false;
        decided = true;
        ok = isOk;
        outcome = value;
        g.cancel('lost the race');
        return true;
      };
      if (primitives.length > 0) {
        // The primitive waits race as one select, decided the instant one of them ends.
        const select = new Select(label, primitives, (_i, isOk, value) => decide(isOk, value));
        g.spawn(
          function* () {
            try {
              yield* select;
            } catch {
              // its outcome was handed to decide() already, or it lost to a composite
            }
          },
          { name: 'race[waits]' },
        );
      }
      composites.forEach((op, i) =>
        g.spawn(
          function* () {
            try {
              const value = yield* op as Iterable<unknown>;
              decide(true, value);
            } catch (error) {
              if (!decide(false, error) && cancellationOf(error) === null) {
                throw error; // a loser's own failure is never dropped
              }
            }
          },
          { name: `race[${i}]` },
        ),
      );
    });
    if (!ok) throw outcome;
    return outcome;
  }) as Operation<AwaitedValue<A[number]>>;
}
