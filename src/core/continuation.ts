/**
 * A continuation is a suspended piece of a task that the loop can resume: the task's own
 * generator or its one pending `await` (the Task object itself), a scope body's await, a
 * nested generator fiber, or an extra concurrent `await` (`Promise.all` of operations).
 * Every wait parks exactly one continuation on exactly one operation; `wake` puts it on the
 * ready queue with the value (or error) to resume with. Keeping "what is waiting" as an
 * object of its own lets a task wait on several things at once and still have each wait
 * cancelled, dumped and resumed on its own.
 */
import type { Loop } from './loop.js';
import type { ScopeLike } from './scope.js';
import { IN_FOREIGN_AWAIT, type Runnable, type StepOwner } from './step.js';

/** Returned by `Waitable.start` when the continuation was parked. */
export const PENDING: unique symbol = Symbol('simul.pending');

/** The low-level protocol every waitable thing implements (operations and tasks). */
export interface Waitable {
  /** Whether cancellation interrupts this wait (false for waits cancellation reaches by other paths). */
  readonly cancellable: boolean;
  /** Completes at once (returns the value, or throws), or parks `k` and returns PENDING. */
  start(k: Continuation): unknown;
  /** `k` is parked here and is being cancelled: undo the registration. */
  abort(k: Continuation): void;
  /** What `k` waits on, for dumps and deadlock reports (`k` is null when none is parked). */
  describe(k: Continuation | null): string;
  /**
   * Who must act before parked `k` can go on, if one task must (a lock's holder), with what
   * it holds (`Lock#2 (b)`): the edges of the wait-for graph a deadlock report follows.
   */
  blockedBy?(k: Continuation): { what: string; holder: WaitingTask } | null;
}

/**
 * What the wait protocol needs of the task a continuation belongs to. (A task is itself the
 * continuation of its body; see task.ts, where the full Task lives.)
 */
export interface WaitingTask extends StepOwner, Continuation {
  readonly loop: Loop;
  /** Records a parked continuation other than the task itself (for dumps and cancellation). */
  addWait(k: Continuation): void;
  removeWait(k: Continuation): void;
  /** Every parked continuation of the task (a snapshot). */
  waits(): Continuation[];
}

// The bookkeeping of async steps (see step.ts): every place where async code of a task starts,
// resumes, reaches simul or parks calls one of these.

/** Async code of `task` reached simul (an await, or its end): back from a raw foreign await? */
export function asyncEntered(task: WaitingTask): void {
  if (task.asyncState === IN_FOREIGN_AWAIT) task.loop.foreignAwaitEnded(task);
}

/** A piece of `task`'s async code parked or ended; the last one to do so ends the step. */
export function asyncParked(task: WaitingTask): void {
  const state = task.asyncState;
  if (state > 0) {
    task.asyncState = state - 1;
    if (state === 1) task.loop.asyncSettled(task);
  }
}

/** The loop resumes, or starts, a piece of `task`'s async code: it runs on in microtasks. */
export function asyncResumed(task: WaitingTask): void {
  if (task.asyncState === IN_FOREIGN_AWAIT) {
    task.loop.foreignWaits--;
    task.asyncState = 0;
  }
  task.asyncState++;
}

/** An error to resume with, boxed so one field carries both outcomes of a wait. */
export class Thrown {
  constructor(readonly error: unknown) {}
}

export abstract class Continuation implements Runnable {
  /** What this continuation is parked on; null while ready or running. */
  waitingOn: Waitable | null = null;
  /**
   * While parked, the operation's per-wait data; once woken, what to resume with. The two
   * are never needed at once, and one field less on every task counts (memory per
   * sleeping task is a benchmark target).
   */
  private slot: unknown = null;

  /** Per-wait data of the operation (a wait-queue node, a timer entry...), while parked. */
  get waitData(): unknown {
    return this.slot;
  }
  set waitData(data: unknown) {
    this.slot = data;
  }

  /** What to resume with once woken: a value, or a Thrown error. */
  get resumeValue(): unknown {
    return this.slot;
  }
  set resumeValue(value: unknown) {
    this.slot = value;
  }
  abstract readonly task: WaitingTask;
  abstract scope: ScopeLike;

  /** Resumes the continuation; called by the loop from the ready queue. */
  abstract run(): void;

  /**
   * Declared on the prototype: true for a continuation that is not run by the loop but hands
   * its outcome on the moment it is woken (a case of a race: see select.ts).
   */
  declare readonly relays: boolean;

  /** For a continuation that relays: called by `wake` instead of queueing it. */
  relay(): void {}

  /** PCT ranks continuations by their task's priority. */
  get priority(): number {
    return this.task.pctPriority;
  }
}

(Continuation.prototype as { relays: boolean }).relays = false;

/** Parks `k` on `on`; the caller returns PENDING. */
export function park(k: Continuation, on: Waitable, data: unknown = null): typeof PENDING {
  k.waitingOn = on;
  k.waitData = data;
  const task = k.task;
  if (k !== task) task.addWait(k);
  task.status = 'waiting';
  return PENDING;
}

/**
 * Resumes a parked continuation with a value or an error. Returns false if it was not
 * parked (it was woken already), so a racing second wake-up is never lost silently: the
 * caller can pass it on (see the wait-queue).
 */
export function wake(k: Continuation, ok: boolean, value: unknown): boolean {
  if (k.waitingOn === null) return false;
  const task = k.task;
  if (k !== task) task.removeWait(k);
  k.waitingOn = null;
  k.resumeValue = ok ? value : new Thrown(value); // replaces the wait's data
  if (k.relays) {
    k.relay();
    return true;
  }
  if (task.status === 'waiting') task.status = 'ready';
  task.loop.enqueue(k);
  return true;
}

/** Interrupts a parked wait with `error` after letting its operation undo the wait. */
export function interrupt(k: Continuation, error: unknown): void {
  const on = k.waitingOn;
  if (on === null) return;
  on.abort(k);
  wake(k, false, error);
}
