/**
 * Cancel scopes inside a task: `withTimeout`, `moveOnAfter` and `shield`. The body runs in
 * the same task (so `current()`, locks held and task-local state stay the same), inside a
 * new scope; a deadline cancels that scope, and a CancelledError leaving the body because
 * of it is turned into TimeoutError (withTimeout) or `undefined` (moveOnAfter). If an outer
 * scope is cancelled as well, the CancelledError goes on up: outer cancellation wins.
 */
import { getRunningFiber } from './context.js';
import { cancellationOf, TimeoutError } from './errors.js';
import { Composite } from './composite.js';
import type { Operation } from './operation.js';
import { checkBody, runBody } from './body.js';
import { CancelScope, cancelledScope } from './scope.js';
import type { BodyValue, Task } from './task.js';
import type { Fiber } from './fiber.js';
import { checkMs } from './validate.js';

function expireScope(scope: CancelScope): void {
  if (scope.timer === null) return; // the scope ended after its timer left the heap
  scope.timer = null;
  scope.expired = true;
  scope.cancel('deadline expired');
}

/** The running fiber, which a composite's generator code always runs inside. */
export function runningFiber(): Fiber {
  return getRunningFiber() as Fiber;
}

function* scoped(
  where: string,
  body: () => unknown,
  ms: number | null,
  shielded: boolean,
  onExpiry: 'throw' | 'return',
): Generator<unknown, unknown, unknown> {
  const fiber = runningFiber();
  const task = fiber.task as Task;
  const outer = fiber.scope;
  const scope = new CancelScope(outer, shielded, task);
  if (ms !== null) scope.deadline = task.loop.now() + ms;
  if (ms === 0) {
    scope.expired = true;
    scope.cancelled = true;
    scope.cancelReason = 'deadline expired';
  } else if (ms !== null) {
    scope.timer = task.loop.addTimer(ms, expireScope, scope);
  }
  fiber.scope = scope;
  const debug = ms === null ? null : task.loop.debug;
  if (debug !== null) debug.deadlineScope(1); // debug mode notes await sites in deadline scopes
  try {
    const value = yield* runBody(where, body, task, scope);
    const overrunMs = task.loop.now() - scope.deadline;
    if (overrunMs > 0 && cancelledScope(outer) === null) {
      // The deadline passed while the body was out of simul's reach (a raw await of a foreign
      // promise, or synchronous code), and it finished late without noticing: the deadline
      // is binding all the same, so a late answer is a timeout, not a success.
      task.loop.debug?.deadlineOverrun(task, `${where}(${ms})`, overrunMs);
      if (onExpiry === 'throw') throw new TimeoutError(ms as number, { value, overrunMs });
      return undefined;
    }
    return value;
  } catch (error) {
    if (cancellationOf(error) !== null && scope.expired && cancelledScope(outer) === null) {
      if (onExpiry === 'throw') throw new TimeoutError(ms as number);
      return undefined;
    }
    throw error;
  } finally {
    if (debug !== null) debug.deadlineScope(-1);
    fiber.scope = outer;
    if (scope.timer !== null) task.loop.removeTimer(scope.timer);
    scope.timer = null;
    scope.close();
  }
}

/**
 * Runs `body` in the current task; if it is not done within `ms`, cancels it and throws
 * TimeoutError.
 *
 * @example
 * const page = await withTimeout(5000, () => download(url));
 */
export function withTimeout<B extends () => unknown>(
  ms: number,
  body: B,
): Operation<BodyValue<ReturnType<B>>> {
  checkMs('withTimeout(ms, body)', 'ms', ms);
  checkBody('withTimeout(ms, body)', 'body', body);
  return new Composite(`withTimeout(${ms})`, () =>
    scoped('withTimeout', body, ms, false, 'throw'),
  ) as Operation<BodyValue<ReturnType<B>>>;
}

/**
 * Runs `body` in the current task; if it is not done within `ms`, cancels it and returns
 * `undefined` instead.
 *
 * @example
 * const reply = await moveOnAfter(100, () => queue.get()); // undefined if nothing came
 */
export function moveOnAfter<B extends () => unknown>(
  ms: number,
  body: B,
): Operation<BodyValue<ReturnType<B>> | undefined> {
  checkMs('moveOnAfter(ms, body)', 'ms', ms);
  checkBody('moveOnAfter(ms, body)', 'body', body);
  return new Composite(`moveOnAfter(${ms})`, () =>
    scoped('moveOnAfter', body, ms, false, 'return'),
  ) as Operation<BodyValue<ReturnType<B>> | undefined>;
}

/**
 * Runs `body` so that cancellation from outside does not reach it (timeouts inside it
 * still do): for cleanup that must finish, such as closing a connection politely.
 *
 * @example
 * try { await serve(); } finally { await shield(() => conn.close()); }
 */
export function shield<B extends () => unknown>(body: B): Operation<BodyValue<ReturnType<B>>> {
  checkBody('shield(body)', 'body', body);
  return new Composite('shield', () => scoped('shield', body, null, true, 'throw')) as Operation<
    BodyValue<ReturnType<B>>
  >;
}
