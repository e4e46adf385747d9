/**
 * `taskGroup(body)`: Trio's nursery, asyncio's TaskGroup. Tasks spawned on the group run
 * inside the group's cancel scope; the group returns only when the body and every one of
 * them are done. The first failure cancels the group (the body and the other tasks); the
 * group then throws that error, or a TaskGroupError if several failed, so a `try/catch`
 * around it contains them. `g.start(body)` is Trio's ready handshake.
 */
import { Continuation, park, wake } from './continuation.js';
import { cancellationOf, CancelledError, InvalidStateError, TaskGroupError } from './errors.js';
import { Composite } from './composite.js';
import { Operation } from './operation.js';
import { CancelScope, cancelledScope, type ScopeLike } from './scope.js';
import { startTask, type BodyValue, type Nursery, type Task } from './task.js';
import { runningFiber } from './scoped.js';
import { checkBody, runBody } from './body.js';
import { checkKeys, checkObject, optionKeys, show } from './validate.js';

export interface SpawnOptions {
  /** A name for dumps, traces and error messages (default: the body function's name). */
  name?: string;
}

const SPAWN_KEYS = optionKeys<SpawnOptions>({ name: true });

export function checkSpawnOptions(where: string, options: SpawnOptions | undefined): void {
  checkObject(where, 'options', options);
  checkKeys(where, 'options', options, SPAWN_KEYS);
  if (options?.name !== undefined && typeof options.name !== 'string') {
    throw new TypeError(`${where}: options.name must be a string, got ${show(options.name)}`);
  }
}

interface StartRequest {
  waiter: Continuation | null;
  done: boolean;
}

export class TaskGroup implements Nursery {
  /** @internal */
  readonly scope: CancelScope;
  private live = 0;
  private cancelledTasks = 0;
  private errors: unknown[] | null = null;
  private closed = false;
  private waiter: Continuation | null = null;
  private starts: Map<Task, StartRequest> | null = null;

  /** @internal */
  constructor(
    private readonly owner: Task,
    outer: ScopeLike,
  ) {
    this.scope = new CancelScope(outer, false, owner);
  }

  /**
   * Starts `body` as a task in this group.
   *
   * @example
   * await taskGroup(async (g) => { for (const url of urls) g.spawn(() => fetchOne(url)); });
   */
  spawn<B extends () => unknown>(body: B, options?: SpawnOptions): Task<BodyValue<ReturnType<B>>> {
    checkBody('g.spawn(body)', 'body', body);
    checkSpawnOptions('g.spawn(body, options)', options);
    return this.add(body, options?.name) as Task<BodyValue<ReturnType<B>>>;
  }

  /**
   * Starts `body(started)` as a task in this group and waits until it calls
   * `started(value)`; returns that value while the task keeps running in the group. If the
   * task ends (or fails) before calling `started`, `start` throws instead.
   *
   * @example
   * const port = await g.start((started) => serve(0, started));
   */
  start<V>(body: (started: (value?: V) => void) => unknown, options?: SpawnOptions): Operation<V> {
    checkBody('g.start(body)', 'body', body);
    checkSpawnOptions('g.start(body, options)', options);
    return new StartOp<V>(this, body, options?.name);
  }

  /** Cancels the body and every task of the group. */
  cancel(reason?: unknown): void {
    this.scope.cancel(reason);
  }

  /** @internal */
  add(body: () => unknown, name: string | undefined): Task {
    if (this.closed) {
      throw new InvalidStateError('the task group is closed: spawn on it inside its body only');
    }
    this.live++;
    return startTask(this.owner.loop, body, name, this.owner, this, this.scope);
  }

  /** @internal */
  registerStart(task: Task, request: StartRequest): void {
    (this.starts ??= new Map()).set(task, request);
  }

  /** @internal */
  forgetStart(task: Task): void {
    this.starts?.delete(task);
  }

  /** @internal */
  childExited(child: Task): void {
    this.live--;
    const request = this.starts?.get(child);
    if (request !== undefined && !request.done) {
      // Failed before it was started: the error belongs to g.start(), not to the group.
      request.done = true;
      this.starts?.delete(child);
      const error =
        child.state === 'done'
          ? new InvalidStateError(
              `g.start(): task #${child.id} (${child.name}) returned without calling started()`,
            )
          : child.result;
      if (request.waiter !== null) wake(request.waiter, false, error);
    } else if (child.state === 'failed') {
      this.fail(child.result);
    } else if (child.state === 'cancelled') {
      this.cancelledTasks++;
    }
    if (this.live === 0 && this.waiter !== null) wake(this.waiter, true, undefined);
  }

  /** @internal */
  fail(error: unknown): void {
    const errors = (this.errors ??= []);
    if (!errors.includes(error)) errors.push(error);
    this.scope.cancel(error);
  }

  /** @internal Runs the group's body, then waits for every task of the group. */
  *run(body: (g: TaskGroup) => unknown): Generator<unknown, unknown, unknown> {
    const fiber = runningFiber();
    const outer = fiber.scope;
    fiber.scope = this.scope;
    let ok = true;
    let value: unknown;
    try {
      try {
        value = yield* runBody('taskGroup', () => body(this), this.owner, this.scope);
      } catch (error) {
        ok = false;
        value = error;
        const ownCancel = cancellationOf(error) !== null && cancelledScope(this.scope) !== null;
        if (!ownCancel) this.fail(error);
      }
      if (this.live > 0) yield* new WaitForGroup(this);
    } finally {
      fiber.scope = outer;
      this.closed = true;
      this.scope.close();
    }
    if (this.errors !== null) {
      throw this.errors.length === 1 ? this.errors[0] : new TaskGroupError(this.errors);
    }
    const outerCancelled = cancelledScope(outer);
    if (!ok) {
      // The body was cancelled: by g.cancel() (the group absorbs its own cancellation, as
      // a Trio cancel scope does) or from outside (which goes on up).
      if (outerCancelled === null && this.scope.cancelled) return undefined;
      throw value;
    }
    if (this.cancelledTasks > 0 && outerCancelled !== null) {
      // Work of the group was cut short by an outer cancellation: returning normally
      // would pass off partial results as complete.
      throw new CancelledError(outerCancelled.cancelReason);
    }
    return value;
  }

  /** @internal */
  setWaiter(k: Continuation | null): void {
    this.waiter = k;
  }

  /** @internal */
  get liveTasks(): number {
    return this.live;
  }

  /** What the group is doing, for dumps. */
  toString(): string {
    return `task group of task #${this.owner.id} (${this.live} running)`;
  }
}

/** The group's end: not cancellable, since cancellation reaches its tasks through the scope. */
class WaitForGroup extends Operation<void> {
  readonly cancellable = false;
  constructor(private readonly group: TaskGroup) {
    super();
  }
  start(k: Continuation): unknown {
    if (this.group.liveTasks === 0) return undefined;
    this.group.setWaiter(k);
    return park(k, this);
  }
  describe(): string {
    return `its ${this.group} to finish`;
  }
}

class StartOp<V> extends Operation<V> {
  readonly cancellable = true;
  constructor(
    private readonly group: TaskGroup,
    private readonly body: (started: (value?: V) => void) => unknown,
    private readonly name: string | undefined,
  ) {
    super();
  }
  start(k: Continuation): unknown {
    const request: StartRequest = { waiter: k, done: false };
    const body = this.body;
    let task: Task | null = null;
    const started = (value?: V): void => {
      if (request.done) {
        throw new InvalidStateError('started() was called twice, or after the start was abandoned');
      }
      request.done = true;
      if (task !== null) this.group.forgetStart(task);
      if (request.waiter !== null) wake(request.waiter, true, value);
    };
    task = this.group.add(() => body(started), this.name ?? (body.name || undefined));
    this.group.registerStart(task, request);
    return park(k, this, request);
  }
  override abort(k: Continuation): void {
    (k.waitData as StartRequest).waiter = null;
  }
  describe(): string {
    return `g.start(${this.body.name || 'body'}) to call started()`;
  }
}

/**
 * Runs `body(g)` with a new task group `g` and returns the body's value once every task
 * spawned on `g` is done. The first failure cancels the group and is thrown from here.
 *
 * @example
 * await taskGroup(async (g) => {
 *   g.spawn(() => worker('a'));
 *   g.spawn(() => worker('b'));
 * }); // both done here
 */
export function taskGroup<R>(body: (g: TaskGroup) => R): Operation<BodyValue<R>> {
  checkBody('taskGroup(body)', 'body', body);
  return new Composite('taskGroup', function* () {
    // Generator code runs inside the fiber that waits on the group, never before.
    const fiber = runningFiber();
    return yield* new TaskGroup(fiber.task as Task, fiber.scope).run(body);
  }) as Operation<BodyValue<R>>;
}
