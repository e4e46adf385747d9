/**
 * Cancel scopes (Trio's design): cancellation is a state of a scope, not an event. A wait
 * is cancelled when any scope around it, up to the nearest shield, is cancelled; that is
 * "level-triggered" cancellation: every later wait in the scope throws at once too, so
 * cleanup code cannot block forever by accident.
 *
 * Scopes form one tree across tasks: a task is the root scope of its own body, and its
 * parent scope is the scope of the code that spawned it. `withTimeout`, `moveOnAfter`,
 * `shield` and `taskGroup` open scopes inside a task.
 */
import type { Task } from './task.js';
import type { Timer } from './timer-heap.js';
import { CancelledError } from './errors.js';
import { interrupt } from './continuation.js';

export interface ScopeLike {
  readonly parentScope: ScopeLike | null;
  readonly shielded: boolean;
  readonly cancelled: boolean;
  readonly cancelReason: unknown;
}

/** The nearest cancelled scope around `scope`, or null if a shield or the root comes first. */
export function cancelledScope(scope: ScopeLike | null): ScopeLike | null {
  for (let s = scope; s !== null; s = s.parentScope) {
    if (s.cancelled) return s;
    if (s.shielded) return null;
  }
  return null;
}

export class CancelScope implements ScopeLike {
  cancelled = false;
  cancelReason: unknown = undefined;
  /** The deadline timer of withTimeout/moveOnAfter, if any. */
  timer: Timer | null = null;
  /** True when the deadline (not an outer cancel) cancelled this scope. */
  expired = false;

  constructor(
    readonly parentScope: ScopeLike,
    readonly shielded: boolean,
    readonly owner: Task,
  ) {}

  cancel(reason?: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelReason = reason;
    deliverCancel(this.owner);
  }
}

/**
 * Interrupts every parked, cancellable wait in `from` and its descendants whose scope is now
 * cancelled, and aborts the `signal` of every task whose own scope is. Subtrees whose root
 * scope is not cancelled are skipped: nothing inside them can be.
 */
export function deliverCancel(from: Task): void {
  const stack: Task[] = [from];
  while (stack.length > 0) {
    const task = stack.pop() as Task;
    for (const k of task.waits()) {
      const on = k.waitingOn;
      if (on !== null && on.cancellable) {
        const cancelled = cancelledScope(k.scope);
        if (cancelled !== null) interrupt(k, new CancelledError(cancelled.cancelReason));
      }
    }
    const rootCancelled = cancelledScope(task);
    if (rootCancelled !== null) task.abortSignal(rootCancelled.cancelReason);
    for (let child = task.firstChild; child !== null; child = child.nextSiblingTask) {
      if (cancelledScope(child) !== null) stack.push(child);
    }
  }
}
