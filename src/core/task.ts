/**
 * A task: one body (async function, generator function, or function returning an
 * operation) plus the tasks it spawns. Structured concurrency lives here:
 *
 * - a task is finished only when its body has returned and all its children have finished;
 * - when a child fails, the task's scope is cancelled (its body and the other children see
 *   CancelledError at their waits) and the task fails with that error; several errors make
 *   a TaskGroupError; the same error is never counted twice;
 * - a cancellation that ends a cancelled task is its normal way out ('cancelled'), not a
 *   failure; anywhere else it is an error like any other.
 *
 * Memory per sleeping task is a benchmark target, so a Task is also its own root cancel
 * scope, its own generator driver and the continuation of its body's one pending await;
 * children form an intrusive list; and everything most tasks never need (errors, extra
 * joiners, AbortControllers...) lives in `TaskExtras`, allocated on first use.
 */
import { AsyncResource } from 'node:async_hooks';
import {
  asyncEntered,
  asyncParked,
  Continuation,
  interrupt,
  park,
  wake,
  type Waitable,
  type WaitingTask,
} from './continuation.js';
import { inAsyncCode, storage, type Context } from './context.js';
import { cancellationOf, CancelledError, TaskGroupError } from './errors.js';
import { driveGenerator, resumeGenerator, type GeneratorHost } from './fiber.js';
import type { Loop } from './loop.js';
import {
  AsyncBodyContext,
  AsyncWait,
  awaitWaitable,
  OpIterator,
  resumeAwait,
  WAITABLE,
  type Operation,
} from './operation.js';
import {
  abortIfCancelled,
  cancelledScope,
  type CancelScope,
  type ScopeLike,
  type ScopeOwner,
} from './scope.js';
import { classifyBodyResult, isForeignThenable, isGeneratorFunction } from './body.js';
import type { TaskState } from './step.js';

export type { TaskState } from './step.js';

/** Where a task reports its exit: its parent task, or the task group it was spawned on. */
export interface Nursery {
  childExited(child: Task): void;
}

/** The state few tasks need, allocated on first use. */
class TaskExtras {
  cancelled = false;
  nursery: Nursery | null = null;
  cancelReason: unknown = undefined;
  errors: unknown[] | null = null;
  bodyCancelled: CancelledError | null = null;
  joiners: Continuation[] | null = null;
  controller: AbortController | null = null;
  /** The inner scopes (withTimeout, taskGroup...) of this task that have handed out a signal. */
  signalScopes: Set<CancelScope> | null = null;
  moreWaits: Set<Continuation> | null = null;
  pctPriority = 0;
}

/** Marks a body that has finished, in the slot that held the body and then its generator. */
const BODY_DONE = Symbol('simul.bodyDone');
/** The stage of an async task whose body runs with no await of its own pending. */
const ASYNC_RUNNING = Symbol('simul.asyncRunning');
/**
 * The outcome of a task whose body has not started (or, for a task spawned by async code,
 * the AsyncResource holding the spawner's context: see `inheritContext`).
 */
const NOT_STARTED = Symbol('simul.notStarted');

export class Task<T = unknown>
  extends Continuation
  implements ScopeLike, ScopeOwner, Waitable, Nursery, GeneratorHost, WaitingTask, Context
{
  /** Internal state; read it through `state`. */
  status: TaskState = 'ready';
  /** @internal Async code of the task in flight, for the loop (see step.ts). */
  asyncState = 0;
  /** @internal The cancel scope the task's generator runs in now (itself, or one inside it). */
  scope: ScopeLike;
  /**
   * The body until it starts; then its generator, or ASYNC_RUNNING (or a pending await's
   * reject function) for an async body; BODY_DONE once the body has ended.
   */
  private stage: unknown;
  /** A waiting continuation of this task other than the task itself (an await, a fiber). */
  private firstWait: Continuation | null = null;
  /**
   * The body's result while children finish, then the task's outcome (value or error); while
   * the body's own await is pending, that await's resolve function.
   */
  private outcome: unknown = NOT_STARTED;
  /** The first task to join this one (more go to extras). */
  private joiner: Continuation | null = null;
  /** @internal Children, as an intrusive doubly linked list. */
  firstChild: Task | null = null;
  private prevSibling: Task | null = null;
  private nextSibling: Task | null = null;
  private extras: TaskExtras | null = null;

  constructor(
    readonly loop: Loop,
    /** A number unique within the run, in spawn order. */
    readonly id: number,
    private readonly label: string | undefined,
    body: () => unknown,
    /** The task that spawned this one (null for the root). */
    readonly parent: Task | null,
    nursery: Nursery | null,
    readonly parentScope: ScopeLike | null,
  ) {
    super();
    this.scope = this;
    this.stage = body;
    if (nursery !== parent) this.more().nursery = nursery;
    if (parent !== null) parent.adopt(this);
  }

  /** A task is its own continuation (its generator's driver, its body's await). */
  get task(): this {
    return this;
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
   * Whether the task was cancelled (its scope is, as a scope). Kept in the extras: every
   * task pays for a field of its own, and few are ever cancelled.
   */
  get cancelled(): boolean {
    return this.extras !== null && this.extras.cancelled;
  }

  /** A task is never a shield; only `shield()` scopes are. */
  get shielded(): boolean {
    return false;
  }

  /** @internal The reason given to `cancel`, for the CancelledError thrown into waits. */
  get cancelReason(): unknown {
    return this.extras?.cancelReason;
  }

  /**
   * Cancels the task and everything it spawned: each of their waits throws CancelledError
   * now or at once when reached. `finally` blocks run. No effect on a finished task.
   */
  cancel(reason?: unknown): void {
    if (this.isFinished || this.cancelled) return;
    const extras = this.more();
    extras.cancelled = true;
    if (reason !== undefined) extras.cancelReason = reason;
    this.deliverCancel();
  }

  /**
   * An AbortSignal aborted when the task is cancelled (directly or through its parent), for
   * any Node API that takes one. Inside a `withTimeout` or a task group, `abortSignal()`
   * gives the signal of that inner scope, which also aborts at its deadline.
   */
  get signal(): AbortSignal {
    const extras = this.more();
    if (extras.controller === null) {
      extras.controller = new AbortController();
      abortIfCancelled(this);
    }
    return extras.controller.signal;
  }

  /** @internal The task's own AbortController, once its signal was asked for. */
  get controller(): AbortController | null {
    return this.extras?.controller ?? null;
  }

  /** @internal An inner scope handed out a signal: abort it when the scope is cancelled. */
  watchSignal(scope: CancelScope): void {
    (this.more().signalScopes ??= new Set()).add(scope);
  }

  /** @internal */
  unwatchSignal(scope: CancelScope): void {
    this.extras?.signalScopes?.delete(scope);
  }

  /**
   * @internal Interrupts every parked, cancellable wait in this task and its descendants
   * whose scope is now cancelled, and aborts the signals of the scopes that now are. Subtrees
   * whose root scope is not cancelled are skipped: nothing inside them can be.
   */
  deliverCancel(): void {
    const stack: Task[] = [this];
    while (stack.length > 0) {
      const task = stack.pop() as Task;
      for (const k of task.waits()) {
        const on = k.waitingOn;
        if (on !== null && on.cancellable) {
          const cancelled = cancelledScope(k.scope);
          if (cancelled !== null) {
            this.loop.debug?.cancelDelivered(task, cancelled, null);
            interrupt(k, new CancelledError(cancelled.cancelReason));
          }
        }
      }
      task.abortSignals();
      for (let child = task.firstChild; child !== null; child = child.nextSibling) {
        if (cancelledScope(child) !== null) stack.push(child);
      }
    }
  }

  private abortSignals(): void {
    const extras = this.extras;
    if (extras === null) return;
    if (extras.controller !== null) abortIfCancelled(this);
    if (extras.signalScopes !== null) {
      for (const scope of extras.signalScopes) abortIfCancelled(scope);
    }
  }

  /** @internal */
  get pctPriority(): number {
    return this.extras?.pctPriority ?? 0;
  }

  set pctPriority(priority: number) {
    this.more().pctPriority = priority;
  }

  private more(): TaskExtras {
    return (this.extras ??= new TaskExtras());
  }

  // --- the waits of the task ----------------------------------------------------------------

  /** @internal */
  addWait(k: Continuation): void {
    if (this.firstWait === null) this.firstWait = k;
    else (this.more().moreWaits ??= new Set()).add(k);
  }

  /** @internal */
  removeWait(k: Continuation): void {
    if (this.firstWait === k) this.firstWait = null;
    else this.extras?.moreWaits?.delete(k);
  }

  /** @internal Every parked continuation of this task (a snapshot). */
  waits(): Continuation[] {
    const waits: Continuation[] = [];
    if (this.waitingOn !== null) waits.push(this);
    if (this.firstWait !== null) waits.push(this.firstWait);
    const more = this.extras?.moreWaits;
    if (more) waits.push(...more);
    return waits;
  }

  /**
   * @internal The microtask queue ran dry with async code of this task unaccounted for: it
   * can only sit in a raw await of a foreign promise if the body still runs and no await of
   * it is parked on a simul wait of its own (a composite or an async scope body is not one:
   * it waits for code of the same task).
   */
  inForeignAwait(): boolean {
    if (this.stage === BODY_DONE) return false;
    for (const k of this.waits()) {
      const on = k.waitingOn;
      if (on === null || !on.cancellable) continue;
      const isAwait =
        k === this
          ? typeof this.stage === 'function'
          : k instanceof AsyncWait || k instanceof AsyncBodyContext;
      if (isAwait) return false;
    }
    return true;
  }

  // --- running the body -------------------------------------------------------------

  get iter(): Iterator<unknown, unknown, unknown> | null {
    const stage = this.stage;
    return typeof stage === 'object' ? (stage as Iterator<unknown, unknown, unknown>) : null;
  }

  set iter(iter: Iterator<unknown, unknown, unknown> | null) {
    this.stage = iter;
  }

  run(): void {
    const stage = this.stage;
    const startContext = this.outcome;
    if (startContext !== NOT_STARTED && !isSpawnerContext(startContext)) {
      if (typeof stage === 'function') this.resumeOwnAwait();
      else if (stage !== BODY_DONE) {
        this.status = 'running';
        resumeGenerator(this);
      } // else: an abandoned await woken after the body ended
      return;
    }
    this.status = 'running';
    this.outcome = undefined;
    this.stage = null;
    if (isGeneratorFunction(stage)) {
      this.stage = (stage as () => Iterator<unknown, unknown, unknown>)();
      driveGenerator(this, true, undefined);
      return;
    }
    // Any other body is called inside the task's AsyncLocalStorage context, so the
    // awaits of an async function know their task; its code runs on in microtasks.
    this.asyncState++;
    this.stage = stage; // read back by startInTask
    let result: unknown;
    try {
      result =
        startContext === NOT_STARTED
          ? this.loop.inCallerContext(startInTask, this)
          : startContext.runInAsyncScope(startInTask, null, this);
    } catch (error) {
      this.asyncState--;
      this.bodyDone(false, error);
      return;
    }
    if (result === ASYNC_BODY) {
      this.stage = ASYNC_RUNNING;
      return;
    }
    this.asyncState--;
    const iterator = classifyBodyResult(result);
    if (iterator !== null) {
      this.stage = iterator;
      driveGenerator(this, true, undefined);
    } else {
      this.bodyDone(true, result);
    }
  }

  finishGenerator(ok: boolean, value: unknown): void {
    this.bodyDone(ok, value);
  }

  /** @internal The body, handed over once to be called (see `run`). */
  takeBody(): () => unknown {
    const body = this.stage as () => unknown;
    this.stage = null;
    return body;
  }

  /**
   * @internal Makes the body start, when the loop runs the task's first step, in the
   * AsyncLocalStorage context of the code calling this (the async code spawning the task), as
   * asyncio and Trio copy a task's context when it is created. An AsyncResource is the
   * cheapest public holder of a context: 80 B until the task starts, against about 390 B
   * for a pending promise's reaction, and its body then starts inside the loop's step.
   */
  inheritContext(): void {
    this.outcome = new AsyncResource('simul.task');
  }

  // An async task is the continuation of its own awaits, one at a time: while one is
  // pending, its resolvers sit in `outcome` and `stage` (neither is used until the body
  // ends), and only a second concurrent await (Promise.all of operations) costs an
  // AsyncWait. Memory per sleeping task is a benchmark target.

  /** @internal Takes the task as the continuation of an `await` in its body, if free. */
  claimAwait(
    resolve: (value: unknown) => unknown,
    reject: ((reason: unknown) => unknown) | undefined,
  ): Continuation | null {
    if (this.stage !== ASYNC_RUNNING) return null;
    this.stage = reject ?? ignoreRejection;
    this.outcome = resolve;
    return this;
  }

  /** @internal The claimed await completed at once. */
  releaseAwait(): void {
    this.stage = ASYNC_RUNNING;
    this.outcome = undefined;
  }

  private resumeOwnAwait(): void {
    const resolve = this.outcome as (value: unknown) => unknown;
    const reject = this.stage as (reason: unknown) => unknown;
    this.stage = ASYNC_RUNNING;
    this.outcome = undefined;
    resumeAwait(this, resolve, reject);
  }

  /** @internal */
  bodyDone(ok: boolean, value: unknown): void {
    if (this.stage === ASYNC_RUNNING || typeof this.stage === 'function') this.endPendingAwaits();
    this.stage = BODY_DONE;
    if (ok) this.outcome = value;
    else {
      const cancellation = cancellationOf(value);
      if (cancellation !== null && cancelledScope(this) !== null) {
        this.more().bodyCancelled = cancellation;
      } else this.fail(value);
    }
    if (this.status === 'running') this.status = 'waiting';
    this.maybeFinish();
  }

  /**
   * An async body returned with awaits of operations still pending (the losers of a
   * `Promise.race` of operations): nobody will resume them, so they are ended with
   * CancelledError and their registrations undone, so no timer, wait-queue place or foreign
   * wait outlives the body.
   */
  private endPendingAwaits(): void {
    const reason = 'the task body returned while this await was pending';
    if (typeof this.stage === 'function') {
      const reject = this.stage as (reason: unknown) => unknown;
      const on = this.waitingOn;
      if (on !== null) on.abort(this);
      this.waitingOn = null;
      this.outcome = undefined;
      this.stage = ASYNC_RUNNING;
      reject(new CancelledError(reason));
    }
    for (const k of this.waits()) {
      if (k.waitingOn?.cancellable) interrupt(k, new CancelledError(reason));
    }
  }

  // --- structured concurrency ---------------------------------------------------------

  /** @internal Records an error of this task (its own or a child's) and cancels the rest. */
  fail(error: unknown): void {
    const extras = this.more();
    const errors = (extras.errors ??= []);
    if (!errors.includes(error)) errors.push(error);
    if (!extras.cancelled) {
      extras.cancelled = true;
      extras.cancelReason = error;
      this.deliverCancel();
    }
  }

  /** @internal */
  childExited(child: Task): void {
    if (child.status === 'failed') this.fail(child.outcome);
  }

  private adopt(child: Task): void {
    const first = this.firstChild;
    child.nextSibling = first;
    if (first !== null) first.prevSibling = child;
    this.firstChild = child;
  }

  private unlinkChild(child: Task): void {
    if (child.prevSibling !== null) child.prevSibling.nextSibling = child.nextSibling;
    else this.firstChild = child.nextSibling;
    if (child.nextSibling !== null) child.nextSibling.prevSibling = child.prevSibling;
    child.prevSibling = child.nextSibling = null;
  }

  /** The tasks this task spawned that are still running, oldest first. */
  get children(): Task[] {
    const children: Task[] = [];
    for (let c = this.firstChild; c !== null; c = c.nextSibling) children.push(c);
    return children.reverse();
  }

  /** @internal */
  maybeFinish(): void {
    if (this.stage !== BODY_DONE || this.firstChild !== null || this.isFinished) return;
    const extras = this.extras;
    const errors = extras?.errors;
    if (errors) {
      this.status = 'failed';
      this.outcome = errors.length === 1 ? errors[0] : new TaskGroupError(errors);
    } else if (extras?.bodyCancelled) {
      this.status = 'cancelled';
      this.outcome = extras.bodyCancelled;
    } else {
      this.status = 'done';
    }
    const monitor = this.loop.monitor;
    if (monitor !== null) monitor.taskExited(this);
    const ok = this.status === 'done';
    if (this.joiner !== null) {
      const joiner = this.joiner;
      this.joiner = null;
      wake(joiner, ok, this.outcome);
      const more = extras?.joiners;
      if (more) for (const k of more) wake(k, ok, this.outcome);
    }
    const parent = this.parent;
    if (parent !== null) {
      parent.unlinkChild(this);
      (extras?.nursery ?? parent).childExited(this);
      parent.maybeFinish();
    } else {
      this.loop.rootFinished(ok, this.outcome);
    }
  }

  /** @internal The error the task would fail with now (every error recorded so far). */
  get recordedError(): unknown {
    const errors = this.extras?.errors ?? [];
    return errors.length === 1 ? errors[0] : new TaskGroupError(errors);
  }

  /** @internal The outcome of a finished task: its value, or the error it ended with. */
  get result(): unknown {
    return this.outcome;
  }

  // --- a task is an operation: joining it ---------------------------------------------

  /** Joining a task is a cancellable wait. */
  get cancellable(): boolean {
    return true;
  }

  start(k: Continuation): unknown {
    if (this.isFinished) {
      if (this.status === 'done') return this.outcome;
      throw this.outcome;
    }
    if (k.task === this) {
      throw new TypeError(`task #${this.id} (${this.name}) cannot wait for itself`);
    }
    if (this.joiner === null) this.joiner = k;
    else (this.more().joiners ??= []).push(k);
    return park(k, this);
  }

  abort(k: Continuation): void {
    if (this.joiner === k) {
      const next = this.extras?.joiners?.shift();
      this.joiner = next ?? null;
      return;
    }
    const joiners = this.extras?.joiners;
    if (!joiners) return;
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

/** The task a continuation belongs to, as the public Task (the wait protocol knows less). */
export function taskOf(k: Continuation): Task {
  return k.task as Task;
}

/**
 * Starts `body` as a new task of `loop` (the root when `parent` is null): it is ready, and
 * runs its first step in a coming batch.
 */
export function startTask(
  loop: Loop,
  body: () => unknown,
  name: string | undefined,
  parent: Task | null,
  nursery: Nursery | null,
  scope: ScopeLike | null,
): Task {
  const task = new Task(
    loop,
    loop.nextTaskId++,
    name ?? (body.name || undefined),
    body,
    parent,
    nursery,
    scope,
  );
  if (!isGeneratorFunction(body) && inAsyncCode()) task.inheritContext();
  if (!loop.fifo) loop.policy.taskCreated(task);
  if (loop.debug !== null) loop.debug.taskBody(task, body);
  if (loop.monitor !== null) loop.monitor.taskSpawned(task);
  loop.enqueue(task);
  return task;
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

/** Returned by startAsyncBody when the body was a promise and is being watched. */
const ASYNC_BODY = Symbol('simul.asyncBody');

function ignoreRejection(): void {}

function isSpawnerContext(outcome: unknown): outcome is AsyncResource {
  return typeof outcome === 'object' && outcome instanceof AsyncResource;
}

function startInTask(task: Task): unknown {
  return storage.run(task, startAsyncBody, task.takeBody());
}

/**
 * Calls a non-generator body inside the task's AsyncLocalStorage context. A promise (an
 * async function) is watched with two shared handlers that find their task through that
 * same context, so watching costs no closures per task.
 */
function startAsyncBody(body: () => unknown): unknown {
  const result = body();
  if (isForeignThenable(result)) {
    result.then(asyncBodyFulfilled, asyncBodyRejected);
    return ASYNC_BODY;
  }
  return result;
}

function asyncBodyFulfilled(value: unknown): void {
  asyncBodyEnded(true, value);
}

function asyncBodyRejected(error: unknown): void {
  asyncBodyEnded(false, error);
}

function asyncBodyEnded(ok: boolean, value: unknown): void {
  const task = storage.getStore() as Task;
  asyncEntered(task);
  task.bodyDone(ok, value);
  asyncParked(task);
}
