/**
 * A continuation is a suspended piece of a task that the loop can resume: the task's own
 * generator, a nested generator fiber, or an `await` inside an async function. Every wait
 * parks exactly one continuation on exactly one operation; `wake` puts it on the ready
 * queue with the value (or error) to resume with. Keeping "what is waiting" as an object
 * of its own lets an async task wait on several things at once (`Promise.all` of
 * operations) and still have each wait cancelled, dumped and resumed on its own.
 */
import type { Context } from './context.js';
import type { ScopeLike } from './scope.js';
import type { Task } from './task.js';

/** Returned by `Operation.start` when the continuation was parked. */
export const PENDING: unique symbol = Symbol('simul.pending');

/** The low-level protocol every waitable thing implements (operations and tasks). */
export interface Waitable {
  /** Whether cancellation interrupts this wait (false for waits cancellation reaches by other paths). */
  readonly cancellable: boolean;
  /** Completes at once (returns the value, or throws), or parks `k` and returns PENDING. */
  start(k: Continuation): unknown;
  /** `k` is parked here and is being cancelled: undo the registration. */
  abort(k: Continuation): void;
  /** What `k` waits on, for dumps and deadlock reports. */
  describe(k: Continuation | null): string;
}

export abstract class Continuation implements Context {
  /** What this continuation is parked on; null while ready or running. */
  waitingOn: Waitable | null = null;
  /** Per-wait data of the operation (a timer, a wait-queue node...). */
  waitData: unknown = null;
  resumeOk = true;
  resumeValue: unknown = undefined;
  prevWait: Continuation | null = null;
  nextWait: Continuation | null = null;
  // Declared, not initialised here: a Task passes itself once `this` exists.
  task!: Task;
  scope!: ScopeLike;

  /** Resumes the continuation; called by the loop from the ready queue. */
  abstract run(): void;

  /** PCT ranks continuations by their task's priority. */
  get priority(): number {
    return this.task.pctPriority;
  }
}

/** An `await op` inside an async function: resumed by calling the promise's own resolvers. */
export class AsyncWait extends Continuation {
  constructor(
    ctx: Context,
    private readonly resolve: (value: unknown) => unknown,
    private readonly reject: ((reason: unknown) => unknown) | undefined,
  ) {
    super();
    this.task = ctx.task;
    this.scope = ctx.scope;
  }

  run(): void {
    this.task.status = 'running';
    if (this.resumeOk) this.resolve(this.resumeValue);
    else if (this.reject !== undefined) this.reject(this.resumeValue);
  }
}

/** Parks `k` on `on`; the caller returns PENDING. */
export function park(k: Continuation, on: Waitable, data: unknown = null): typeof PENDING {
  k.waitingOn = on;
  k.waitData = data;
  const task = k.task;
  const head = task.firstWait;
  k.prevWait = null;
  k.nextWait = head;
  if (head !== null) head.prevWait = k;
  task.firstWait = k;
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
  if (k.prevWait !== null) k.prevWait.nextWait = k.nextWait;
  else task.firstWait = k.nextWait;
  if (k.nextWait !== null) k.nextWait.prevWait = k.prevWait;
  k.prevWait = k.nextWait = null;
  k.waitingOn = null;
  k.waitData = null;
  k.resumeOk = ok;
  k.resumeValue = value;
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
