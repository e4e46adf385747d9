/**
 * Cancel scopes (Trio's design): cancellation is a state of a scope, not an event. A wait
 * is cancelled when any scope around it, up to the nearest shield, is cancelled; that is
 * "level-triggered" cancellation: every later wait in the scope throws at once too, so
 * cleanup code cannot block forever by accident.
 *
 * Scopes form one tree across tasks: a task is the root scope of its own body, and its
 * parent scope is the scope of the code that spawned it. `withTimeout`, `moveOnAfter`,
 * `shield` and `taskGroup` open scopes inside a task. Each scope can hand out an
 * AbortSignal (`abortSignal()`), aborted with it, so foreign APIs stop with the scope too.
 */
import { CancelledError } from './errors.js';
import type { Timer } from './timer-heap.js';

export interface ScopeLike {
  readonly parentScope: ScopeLike | null;
  readonly shielded: boolean;
  readonly cancelled: boolean;
  readonly cancelReason: unknown;
  /** Aborted once this scope or one around it is cancelled (created on first use). */
  readonly signal: AbortSignal;
}

/** The nearest cancelled scope around `scope`, or null if a shield or the root comes first. */
export function cancelledScope(scope: ScopeLike | null): ScopeLike | null {
  for (let s = scope; s !== null; s = s.parentScope) {
    if (s.cancelled) return s;
    if (s.shielded) return null;
  }
  return null;
}

/** What a scope needs of the task it lives in. */
export interface ScopeOwner {
  /** Interrupts the waits, in the task and its descendants, that a cancellation now reaches. */
  deliverCancel(): void;
  /** Aborts `scope`'s signal whenever a cancellation reaches the task, until unwatched. */
  watchSignal(scope: CancelScope): void;
  unwatchSignal(scope: CancelScope): void;
}

export class CancelScope implements ScopeLike {
  cancelled = false;
  cancelReason: unknown = undefined;
  /** The deadline timer of withTimeout/moveOnAfter, if any. */
  timer: Timer | null = null;
  /** True when the deadline (not an outer cancel) cancelled this scope. */
  expired = false;
  /** The deadline on the loop's clock, if the scope has one. */
  deadline = Infinity;
  /** The scope's AbortController, made by the first `abortSignal()` inside it. */
  controller: AbortController | null = null;

  constructor(
    readonly parentScope: ScopeLike,
    readonly shielded: boolean,
    readonly owner: ScopeOwner,
  ) {}

  cancel(reason?: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.cancelReason = reason;
    this.owner.deliverCancel();
  }

  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      this.owner.watchSignal(this);
      abortIfCancelled(this);
    }
    return this.controller.signal;
  }

  /** The scope is over: its signal no longer follows cancellation. */
  close(): void {
    if (this.controller !== null) this.owner.unwatchSignal(this);
  }
}

/** Aborts `scope`'s signal, with a CancelledError as its reason, if the scope is cancelled. */
export function abortIfCancelled(
  scope: ScopeLike & { readonly controller: AbortController | null },
): void {
  const controller = scope.controller;
  if (controller === null || controller.signal.aborted) return;
  const cancelled = cancelledScope(scope);
  if (cancelled !== null) controller.abort(new CancelledError(cancelled.cancelReason));
}
