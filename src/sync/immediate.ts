/**
 * The base of the primitives' waits that can often complete at once: an uncontended
 * acquire, a get from a non-empty queue, a put into a queue with room. `attempt` completes
 * the operation for a task or says it cannot now; `wait` parks it. The core calls `start`,
 * which tries first, in both task styles alike: a wait that completes at once continues the
 * same step, and no other task runs in between (see docs/sync.md).
 */
import { PENDING, type Continuation } from '../core/continuation.js';
import { Operation } from '../core/operation.js';
import type { Task } from '../core/task.js';

/** Returned by `attempt` when the operation cannot complete now. */
export const NOT_NOW: unique symbol = Symbol('simul.notNow');

export abstract class ImmediateOperation<T> extends Operation<T> {
  get cancellable(): boolean {
    return true;
  }

  /**
   * Completes the operation at once for `task` (returns its value, or throws), or returns
   * NOT_NOW without changing anything.
   */
  protected abstract attempt(task: Task): unknown;

  /** Parks `k` (the operation could not complete at once); returns PENDING. */
  protected abstract wait(k: Continuation): typeof PENDING;

  start(k: Continuation): unknown {
    const value = this.attempt(k.task as Task);
    return value === NOT_NOW ? this.wait(k) : value;
  }
}

export { PENDING };
