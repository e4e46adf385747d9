/**
 * A task: one body (async function, generator function, or function returning an
 * operation) plus the tasks it spawns. Structured concurrency lives here:
 *
 * - a task is finished only when its body has returned and all its children have finished;
 * - when a child fails, the task's scope is cancelled (its body and the other children see
 *   CancelledError at their waits) and the task fails with that error; several errors make
 *   a TaskGroupError; the same error is never counted twice;
 * - a CancelledError that ends a cancelled task is its normal way out ('cancelled'), not a
 *   failure; anywhere else it is an error like any other.
 *
 * A Task is its own root cancel scope and its own generator fiber, which saves two
 * allocations per task (memory per sleeping task is a benchmark target).
 */
import { Continuation, park, wake, PENDING, type Waitable } from './continuation.js';
import { CancelledError, TaskGroupError } from './errors.js';
import { Fiber } from './fiber.js';
import { awaitWaitable, OpIterator, WAITABLE } from './operation.js';
import { cancelledScope, deliverCancel, type ScopeLike } from './scope.js';
import { callBody } from './body.js';
import type { Loop } from './loop.js';

export type TaskState = 'ready' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';

/** Where a task reports its exit: its parent task, or the task group it was spawned on. */
export interface Nursery {
  childExited(child: Task): void;
}

export class Task<T = unknown> extends Fiber implements ScopeLike, Waitable, Nursery {
  /** Internal state; read it through `state`. */
  status: TaskState = 'ready';
  readonly shielded = false;
  cancelled = false;
  cancelReason: unknown = undefined;
  pctPriority = 0;
  firstWait: Continuation | null = null;
  children: Set<Task> | null = null;
  liveChildren = 0;
  /** The body until it starts; kept by name only afterwards. */
  private body: (() => unknown) | null;
  private bodyFinished = false;
  private bodyCancelled: CancelledError | null = null;
  private errors: unknown[] | null = null;
  /** The body's result while children finish, then the task's outcome (value or error). */
  private outcome: unknown = undefined;
  private joiners: Continuation[] | null = null;
  private controller: AbortController | null = null;

  constructor(
    readonly loop: Loop,
    /** A number unique within the run, in spawn order. */
    readonly id: number,
    private readonly label: string | undefined,
    body: () => unknown,
    readonly parent: Task | null,
    readonly nursery: Nursery | null,
    readonly parentScope: ScopeLike | null,
  ) {
    super(null, null, null, null);
    this.task = this;
    this.scope = this;
    this.body = body;
  }

  /** The name given to spawn, or the body function's name, or `task-<id>`. */
  get name(): string {
    return this.label ?? `task-${this.id}`;
  }

  /** 'ready' | 'running' | 'waiting' while alive; 'done' | 'failed' | 'cancelled' once finished. */
  get state(): TaskState {
    return this.status;
  }

  get isFinished(): boolean {
    return this.status === 'done' || this.status === 'failed' || this.status === 'cancelled';
  }

  /**
   * Cancels the task and everything it spawned: each of their waits throws CancelledError
   * now or at once when reached. `finally` blocks run. No effect on a finished task.
   */
  cancel(reason?: unknown): void {
    if (this.isFinished || this.cancelled) return;
    this.cancelled = true;
    this.cancelReason = reason;
    deliverCancel(this);
  }

  /** An AbortSignal aborted when the task is cancelled, for any Node API that takes one. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      const cancelled = cancelledScope(this);
      if (cancelled !== null) this.abortSignal(cancelled.cancelReason);
    }
    return this.controller.signal;
  }

  /** @internal */
  abortSignal(reason: unknown): void {
    const controller = this.controller;
    if (controller !== null && !controller.signal.aborted) {
      controller.abort(new CancelledError(reason));
    }
  }

  // --- running the body -------------------------------------------------------------

  override run(): void {
    if (this.body === null) {
      super.run();
      return;
    }
    const body = this.body;
    this.body = null;
    this.status = 'running';
    let call;
    try {
      call = callBody('spawn', body, this);
    } catch (error) {
      this.bodyDone(false, error);
      return;
    }
    if (call.kind === 'iterator') {
      this.iter = call.iterator;
      this.step(true, undefined);
    } else if (call.kind === 'promise') {
      call.promise.then(
        (value) => this.bodyDone(true, value),
        (error) => this.bodyDone(false, error),
      );
    } else {
      this.bodyDone(true, call.value);
    }
  }

  protected override finish(ok: boolean, value: unknown): void {
    this.iter = null;
    this.bodyDone(ok, value);
  }

  private bodyDone(ok: boolean, value: unknown): void {
    this.bodyFinished = true;
    if (ok) this.outcome = value;
    else if (value instanceof CancelledError && cancelledScope(this) !== null) {
      this.bodyCancelled = value;
    } else this.fail(value);
    if (this.status === 'running') this.status = 'waiting';
    this.maybeFinish();
  }

  // --- structured concurrency ---------------------------------------------------------

  /** @internal Records an error of this task (its own or a child's) and cancels the rest. */
  fail(error: unknown): void {
    const errors = (this.errors ??= []);
    if (!errors.includes(error)) errors.push(error);
    if (!this.cancelled) {
      this.cancelled = true;
      this.cancelReason = error;
      deliverCancel(this);
    }
  }

  /** @internal */
  childExited(child: Task): void {
    if (child.status === 'failed') this.fail(child.outcome);
  }

  /** @internal A child was spawned (on this task or on one of its task groups). */
  adopt(child: Task): void {
    (this.children ??= new Set()).add(child);
    this.liveChildren++;
  }

  /** @internal */
  maybeFinish(): void {
    if (!this.bodyFinished || this.liveChildren > 0 || this.isFinished) return;
    if (this.errors !== null) {
      this.status = 'failed';
      this.outcome = this.errors.length === 1 ? this.errors[0] : new TaskGroupError(this.errors);
    } else if (this.bodyCancelled !== null) {
      this.status = 'cancelled';
      this.outcome = this.bodyCancelled;
    } else {
      this.status = 'done';
    }
    this.children = null;
    this.loop.taskExited(this);
    const joiners = this.joiners;
    if (joiners !== null) {
      this.joiners = null;
      const ok = this.status === 'done';
      for (const k of joiners) wake(k, ok, this.outcome);
    }
    const parent = this.parent;
    if (parent !== null) {
      parent.children?.delete(this);
      parent.liveChildren--;
      this.nursery?.childExited(this);
      parent.maybeFinish();
    } else {
      this.loop.rootFinished(this.status === 'done', this.outcome);
    }
  }

  /** @internal The error the task would fail with now (every error recorded so far). */
  get recordedError(): unknown {
    const errors = this.errors ?? [];
    return errors.length === 1 ? errors[0] : new TaskGroupError(errors);
  }

  /** @internal The outcome of a finished task: its value, or the error it ended with. */
  get result(): unknown {
    return this.outcome;
  }

  // --- a task is an operation: joining it ---------------------------------------------

  readonly cancellable = true;

  start(k: Continuation): unknown {
    if (this.isFinished) {
      if (this.status === 'done') return this.outcome;
      throw this.outcome;
    }
    if (k.task === this) {
      throw new TypeError(`task #${this.id} (${this.name}) cannot wait for itself`);
    }
    (this.joiners ??= []).push(k);
    return park(k, this);
  }

  abort(k: Continuation): void {
    const joiners = this.joiners;
    if (joiners === null) return;
    const i = joiners.indexOf(k);
    if (i >= 0) joiners.splice(i, 1);
  }

  describe(): string {
    return `task #${this.id} (${this.name}) to finish`;
  }

  /** Joins the task: resolves with its result, or throws its error. */
  then(onfulfilled: (value: T) => unknown, onrejected?: (reason: unknown) => unknown): void {
    awaitWaitable(this, onfulfilled as (value: unknown) => unknown, onrejected);
  }

  /** Joins the task from a generator: `const value = yield* task`. */
  [Symbol.iterator](): Iterator<Waitable, T, unknown> {
    return new OpIterator<T>(this);
  }

  override toString(): string {
    return `Task #${this.id} (${this.name}, ${this.status})`;
  }
}
(Task.prototype as unknown as { [WAITABLE]: boolean })[WAITABLE] = true;

export { PENDING };
