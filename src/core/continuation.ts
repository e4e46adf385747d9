/**
 * A continuation is a suspended piece of a task that the loop can resume: the task's own
 * generator (the Task object itself), a nested generator fiber, or an `await` inside an
 * async function. Every wait parks exactly one continuation on exactly one operation;
 * `wake` puts it on the ready queue with the value (or error) to resume with. Keeping
 * "what is waiting" as an object of its own lets an async task wait on several things at
 * once (`Promise.all` of operations) and still have each wait cancelled, dumped and
 * resumed on its own.
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
  /** What `k` waits on, for dumps and deadlock reports (`k` is null when none is parked). */
  describe(k: Continuation | null): string;
}

/** An error to resume with, boxed so one field carries both outcomes of a wait. */
export class Thrown {
  constructor(readonly error: unknown) {}
}

export abstract class Continuation implements Context {
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
  abstract readonly task: Task;
  abstract scope: ScopeLike;

  /** Resumes the continuation; called by the loop from the ready queue. */
  abstract run(): void;

  /** PCT ranks continuations by their task's priority. */
  get priority(): number {
    return this.task.pctPriority;
  }
}

/** An `await op` inside an async function: resumed by calling the promise's own resolvers. */
export class AsyncWait extends Continuation {
  readonly task: Task;
  scope: ScopeLike;
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
    const task = this.task;
    task.status = 'running';
    task.loop.asyncResumed = true;
    const value = this.resumeValue;
    this.resumeValue = undefined;
    if (!(value instanceof Thrown)) this.resolve(value);
    else if (this.reject !== undefined) this.reject(value.error);
  }
}

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
