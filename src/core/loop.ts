/**
 * The event loop: a ready queue, one timer heap, a clock and a schedule policy, and the rule
 * that makes the two task styles equal: **one step at a time, chosen by the policy**.
 *
 * The loop takes the continuations that are ready when a batch starts and runs them one by
 * one, in the order the policy chooses; whatever becomes ready meanwhile waits for the next
 * batch, so every ready task gets its step before any task gets two. A generator step runs
 * inside the loop's call. An async step runs on in microtasks (V8 resumes the function after
 * the loop resolves its await), so the loop waits for it: the next step starts only once the
 * task has parked again, finished, or gone into a raw await of a foreign promise (see
 * step.ts). Nothing of another task can run in between, so the policy, not V8's count of
 * microtask hops, decides the order.
 *
 * The loop learns that an async step parked or finished from the task itself. It learns that
 * a step went into a foreign await (`await fetch(...)`) when the microtask queue runs dry
 * without it having parked: a macrotask of the loop's (a `setImmediate` kept armed while a
 * step is in flight) can only run once every microtask has. That task then counts as a
 * foreign wait: the virtual clock does not jump past it and no deadlock is reported while it
 * is pending. When the promise settles, the task's code runs on by itself; the loop treats it
 * as a step in flight again as soon as it shows up.
 *
 * Batches follow each other without a trip through Node's event loop for a *slice*: 1 ms of
 * real time under the real clock, 256 batches under the virtual clock (where a time-based
 * slice would make the order depend on the machine's speed). Then the loop yields with
 * `setImmediate`, so I/O callbacks and host timers are never starved by a flood of ready
 * tasks. (One `setImmediate` per batch would be simpler but costs ~0.9 µs a batch, several
 * times a task switch.)
 *
 * When nothing is ready, the loop looks again from a macrotask and then: under the real clock
 * arms a single host timer for the earliest deadline; under the virtual clock jumps time to
 * that deadline, unless a foreign wait is in flight; and if there is neither a timer nor a
 * foreign wait, reports a deadlock instead of hanging.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from './clock.js';
import type { Waitable } from './continuation.js';
import { DeadlockError, StepLimitError, TaskGroupError } from './errors.js';
import { RingQueue } from './ring-queue.js';
import { ReadyBatch } from './ready-batch.js';
import type { Candidates, Schedulable, SchedulePolicy } from './schedule.js';
import { IN_FOREIGN_AWAIT, type Runnable, type StepOwner } from './step.js';
import { Timer, TimerHeap, type TimerEntry } from './timer-heap.js';

/** How long batches may follow each other before Node's event loop gets a turn. */
export const SLICE_MS = 1;

/** The virtual clock's slice, counted in batches so that it is the same on every machine. */
export const VIRTUAL_SLICE_BATCHES = 256;

const MAX_HOST_DELAY_MS = 0x7fffffff;

let activeLoop: Loop | null = null;

// One 'beforeExit' listener for every running loop, however many run at once.
const watchedLoops = new Set<Loop>();
function onBeforeExit(): void {
  for (const loop of [...watchedLoops]) loop.eventLoopEmpty();
}
function watchForEmptyEventLoop(loop: Loop): void {
  if (watchedLoops.size === 0) process.on('beforeExit', onBeforeExit);
  watchedLoops.add(loop);
}
function unwatchForEmptyEventLoop(loop: Loop): void {
  watchedLoops.delete(loop);
  if (watchedLoops.size === 0) process.off('beforeExit', onBeforeExit);
}

/** The loop whose steps are running right now (callbacks have no task to ask). */
export function getActiveLoop(): Loop | null {
  return activeLoop;
}

/** The root task, as the loop needs it: to fail it on a deadlock or crash, to cancel it on a signal. */
export interface LoopRoot {
  readonly isFinished: boolean;
  fail(error: unknown): void;
  cancel(reason?: unknown): void;
  /** Every error recorded so far, as the run would fail with it now. */
  readonly recordedError: unknown;
}

/** Who watches the steps: instruments, debug warnings (wired up by `run`). */
export interface LoopMonitor {
  taskSpawned(owner: StepOwner): void;
  stepStarted(owner: StepOwner): void;
  stepEnded(owner: StepOwner): void;
  taskExited(owner: StepOwner): void;
  beforeIdle(): void;
}

/**
 * What debug mode adds to the loop (debug-options.ts): it hears of the moments a bug shows
 * that nothing else would report.
 */
export interface LoopDebug {
  /** A piece of async code parked on `op` as continuation `k` (debug mode notes where). */
  awaitParked(k: Runnable, op: unknown): void;
  /**
   * The microtask queue ran dry after `resumed` resumed `owner`'s async code, which neither
   * parked again nor went into a foreign await: the value went to a combinator (a
   * `Promise.race`) that no longer waits for it.
   */
  resultUnreceived(owner: StepOwner, resumed: Runnable): void;
  /** A cancel scope's body finished `overrunMs` after its deadline, out of simul's reach. */
  deadlineOverrun(owner: StepOwner, scope: string, overrunMs: number): void;
  /**
   * A CancelledError of cancelled scope `scope` reaches `owner`'s code: from a parked wait it
   * interrupted (`op` null), or from `op`, which threw at once since its scope was cancelled.
   */
  cancelDelivered(owner: StepOwner, scope: object, op: Waitable | null): void;
  /** A deadline scope (withTimeout, moveOnAfter) opens (+1) or closes (-1). */
  deadlineScope(change: 1 | -1): void;
  /** `owner` was spawned with this body (debug reports say where it is defined). */
  taskBody(owner: StepOwner, body: object): void;
  /** When the task was spawned (for the ages in dumps), if debug mode saw it. */
  bornAt(owner: StepOwner): number | undefined;
}

export interface LoopConfig {
  clock: Clock;
  policy: SchedulePolicy;
  monitor: LoopMonitor | null;
  debug: LoopDebug | null;
  handleSignals: boolean;
  /** The task tree as text, for deadlock reports. */
  describe: () => string;
  /** The run fails with StepLimitError after this many task steps (a livelock guard). */
  maxSteps?: number;
}

export class Loop {
  readonly clock: Clock;
  readonly policy: SchedulePolicy;
  /** True when the policy always takes the oldest runnable, so the loop can skip it. */
  readonly fifo: boolean;
  readonly monitor: LoopMonitor | null;
  readonly debug: LoopDebug | null;
  /** Task ids are unique within the run, in spawn order. */
  nextTaskId = 1;
  /** Task steps run so far (a trace's choices are described by the step they came after). */
  steps = 0;
  private readonly maxSteps: number;
  private readonly ready = new RingQueue<Runnable>();
  private readonly timers = new TimerHeap();
  private timerSeq = 0;
  /** Waits on things outside simul (until, fromCallback, raw foreign awaits) in flight. */
  foreignWaits = 0;
  private rootOf: () => LoopRoot | null = () => null;
  finished = false;

  // The current batch: under FIFO its runnables stay at the head of `ready` and `batchLeft`
  // counts them; under another policy they are moved to `batch`, where the policy chooses.
  private batchLeft = 0;
  private readonly batch = new ReadyBatch<Runnable>();
  private readonly takeReady = (): Runnable => this.ready.shift() as Runnable;
  /** The task whose async step is running; the next step waits for it. */
  private inFlight: StepOwner | null = null;
  /** What started the step in flight (for debug reports). */
  private inFlightRunnable: Runnable | null = null;
  /** Tasks whose async code runs without the loop having resumed it (after a foreign await). */
  private strays: Set<StepOwner> | null = null;
  private pumping = false;
  /** @internal How many pumps have started: debug mode times back-to-back steps with it. */
  pumpCount = 0;
  private pumpQueued = false;
  private macrotaskArmed = false;
  private sliceStart = 0;
  private batchesInSlice = 0;

  private hostTimer: ReturnType<typeof setTimeout> | null = null;
  private hostTimerDeadline = Infinity;
  private deadlocked = false;
  private signalled = false;
  private settle: ((ok: boolean, value: unknown) => void) | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly lateErrors: unknown[] = [];
  // The entry points from Node (a microtask, a macrotask, the host timer) are bound to the
  // AsyncLocalStorage context `run` was called in, never to that of whatever code queued
  // them. When an async step ends, the loop goes straight on from inside that task's `then`
  // (a bound call would cost more than the switch); what must not see that task's context
  // takes care of it: async bodies start in the caller's context (inCallerContext), and
  // callbacks run as code of no task (callOutsideTasks).
  private readonly pumpCallback: () => void;
  private readonly callerContext: <A, R>(fn: (arg: A) => R, arg: A) => R;
  private readonly macrotaskCallback: () => void;
  private readonly hostTimerCallback: () => void;

  constructor(private readonly config: LoopConfig) {
    this.clock = config.clock;
    this.policy = config.policy;
    this.fifo = config.policy.isFifo;
    this.monitor = config.monitor;
    this.debug = config.debug;
    this.maxSteps = config.maxSteps ?? Infinity;
    // Two binds per loop (a bind costs ~5 µs), shared by every entry point.
    const enter = AsyncLocalStorage.bind((work: () => void): void => work());
    const pump = (): void => this.pump();
    const macrotask = (): void => this.onMacrotask();
    const hostTimer = (): void => this.onHostTimer();
    this.pumpCallback = () => enter(pump);
    this.callerContext = AsyncLocalStorage.bind(<A, R>(fn: (arg: A) => R, arg: A): R => fn(arg));
    this.macrotaskCallback = () => enter(macrotask);
    this.hostTimerCallback = () => enter(hostTimer);
  }

  /**
   * Starts the loop; `root` gives the root task, which the caller starts right after (its
   * first step is a microtask away). Settles once the root reports its end.
   */
  start<T>(root: () => LoopRoot): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.settle = (ok, value) => (ok ? resolve(value as T) : reject(value));
    });
    this.rootOf = root;
    watchForEmptyEventLoop(this);
    this.cleanups.push(() => unwatchForEmptyEventLoop(this));
    if (this.config.handleSignals) this.installSignalHandlers();
    this.startSlice();
    return promise;
  }

  now(): number {
    return this.clock.now();
  }

  /** @internal Whether steps are being run by a pump now (not a step resumed on its own). */
  get isPumping(): boolean {
    return this.pumping;
  }

  /**
   * Calls `fn(arg)` in the AsyncLocalStorage context `run` was called in: an async task's body
   * starts there, so the stores it inherits (other than simul's own) do not depend on which
   * task's step happened to come before.
   */
  inCallerContext<A, R>(fn: (arg: A) => R, arg: A): R {
    return this.callerContext(fn, arg);
  }

  /** The root task, for `dumpTasks()`. */
  get root(): LoopRoot | null {
    return this.rootOf();
  }

  /** The root task has ended with this outcome: the run settles. */
  rootFinished(ok: boolean, outcome: unknown): void {
    this.finish(ok, outcome);
  }

  /** An error with no task to go to (a callback or an instrument threw): it fails the run. */
  crash(error: unknown): void {
    if (this.finished) {
      // Nothing left to fail: never swallow it.
      queueMicrotask(() => {
        throw error;
      });
      return;
    }
    const root = this.rootOf();
    if (root !== null && !root.isFinished) root.fail(error);
    else this.lateErrors.push(error); // the root is settling right now: fail the run
  }

  // --- the ready queue and steps ---------------------------------------------------------

  enqueue(runnable: Runnable): void {
    this.ready.push(runnable);
    if (!this.pumping && this.inFlight === null && !this.pumpQueued) this.schedulePump();
  }

  private schedulePump(): void {
    this.pumpQueued = true;
    queueMicrotask(this.pumpCallback);
  }

  /** Runs steps until one is in flight, the slice is over, or nothing is ready. */
  private pump(): void {
    this.pumpQueued = false;
    if (this.finished || this.pumping || this.inFlight !== null) return;
    this.pumping = true;
    this.pumpCount++;
    const previous = activeLoop;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loop running steps, for callbacks
    activeLoop = this;
    try {
      while (this.inFlight === null && !this.finished) {
        if (this.batchLeft === 0 && !this.nextBatch()) break;
        this.runStep(this.takeFromBatch());
      }
    } finally {
      activeLoop = previous;
      this.pumping = false;
    }
  }

  /** Starts the next batch; false (with a macrotask armed) if none may start now. */
  private nextBatch(): boolean {
    if (!this.clock.virtual && this.timers.size > 0) this.fireDueTimers();
    const n = this.ready.length;
    if (n === 0 || !this.sliceAllowsAnotherBatch()) {
      this.armMacrotask(); // idle, or Node's event loop's turn
      return false;
    }
    this.batchLeft = n;
    if (!this.fifo) this.batch.fill(n, this.takeReady);
    return true;
  }

  private takeFromBatch(): Runnable {
    this.batchLeft--;
    if (this.fifo) return this.ready.shift() as Runnable;
    const batch = this.batch;
    return batch.take(batch.length > 1 ? this.choose(batch) : 0);
  }

  /** The policy's choice; a policy that throws (a trace that does not fit) fails the run. */
  private choose(candidates: Candidates): number {
    try {
      return this.policy.choose(candidates);
    } catch (error) {
      this.crash(error);
      return 0;
    }
  }

  /**
   * The run has taken more than `maxSteps` steps: fail it with the tree as it stands. If the
   * cancelled tree still runs as many steps again (a loop that cancellation cannot reach, in
   * a `shield`), the run settles anyway rather than spin forever.
   */
  private stepLimitReached(): void {
    const root = this.rootOf();
    if (root === null || root.isFinished) return;
    if (this.steps === this.maxSteps + 1) {
      root.fail(new StepLimitError(this.maxSteps, this.config.describe()));
    } else if (this.steps > 2 * this.maxSteps + 1) {
      this.finish(false, root.recordedError);
    }
  }

  private runStep(runnable: Runnable): void {
    const owner = runnable.task;
    if (++this.steps > this.maxSteps) this.stepLimitReached();
    if (owner !== null) {
      if (!this.fifo) this.policy.stepStarted(owner);
      if (this.monitor !== null) this.monitor.stepStarted(owner);
    }
    try {
      runnable.run();
    } catch (error) {
      this.crash(error);
    }
    if (owner === null) return;
    if (owner.asyncState > 0) {
      // An async step goes on in microtasks: wait for it.
      this.inFlight = owner;
      this.inFlightRunnable = runnable;
      if (!this.macrotaskArmed) this.armMacrotask();
    } else if (this.monitor !== null) {
      this.monitor.stepEnded(owner);
    }
  }

  /** The async code of `owner` has all parked again (or finished): its step is over. */
  asyncSettled(owner: StepOwner): void {
    if (owner !== this.inFlight) {
      this.strays?.delete(owner);
      return;
    }
    this.inFlight = null;
    this.inFlightRunnable = null;
    if (this.monitor !== null) this.monitor.stepEnded(owner);
    // Straight on with the next step, from inside the `then` (or body end) that reported this
    // one over: a trip through the microtask queue would cost more than the switch itself.
    // V8 calls `then` from a job of its own, so the stack is the loop's to use.
    if (!this.finished && !this.pumpQueued) this.pump();
  }

  /**
   * `owner`'s async code shows up again after a raw foreign await: it runs now, out of the
   * loop's turn. If no step is in flight, it becomes the step in flight (the loop waits for
   * it, as for any step); otherwise it runs alongside, as a stray.
   */
  foreignAwaitEnded(owner: StepOwner): void {
    this.foreignWaits--;
    owner.asyncState = 1;
    if (owner.status === 'waiting') owner.status = 'running';
    if (this.inFlight === null && !this.pumping) {
      this.inFlight = owner;
      if (!this.fifo) this.policy.stepStarted(owner);
      if (this.monitor !== null) this.monitor.stepStarted(owner);
    } else {
      (this.strays ??= new Set()).add(owner);
    }
    if (!this.macrotaskArmed) this.armMacrotask();
  }

  private armMacrotask(): void {
    if (this.macrotaskArmed || this.finished) return;
    this.macrotaskArmed = true;
    setImmediate(this.macrotaskCallback);
  }

  /**
   * Every microtask has run (a macrotask of the loop's is running): async code still counted
   * as in flight is waiting on something outside simul (see StepOwner.inForeignAwait), or was
   * an await whose result went to a combinator that is still waiting for more.
   */
  private microtasksDrained(): void {
    const owner = this.inFlight;
    if (owner !== null) {
      this.inFlight = null;
      const resumed = this.inFlightRunnable;
      this.inFlightRunnable = null;
      if (this.stalled(owner) && this.debug !== null && resumed !== null) {
        this.debug.resultUnreceived(owner, resumed);
      }
      if (this.monitor !== null) this.monitor.stepEnded(owner);
    }
    const strays = this.strays;
    if (strays !== null && strays.size > 0) {
      for (const stray of strays) this.stalled(stray);
      strays.clear();
    }
  }

  /** Settles a stalled step; true if its code is simply parked (no foreign await). */
  private stalled(owner: StepOwner): boolean {
    if (owner.asyncState <= 0) return false;
    if (owner.status === 'running') owner.status = 'waiting';
    if (owner.inForeignAwait()) {
      owner.asyncState = IN_FOREIGN_AWAIT;
      this.foreignWaits++;
      return false;
    }
    owner.asyncState = 0;
    return true;
  }

  private onMacrotask(): void {
    this.macrotaskArmed = false;
    if (this.finished) return;
    this.microtasksDrained();
    this.startSlice();
    if (this.batchLeft > 0 || this.ready.length > 0) this.pump();
    else if (this.inFlight === null && !this.pumpQueued) this.idle();
  }

  private onHostTimer(): void {
    this.hostTimer = null;
    this.hostTimerDeadline = Infinity;
    if (this.finished) return;
    this.microtasksDrained();
    this.startSlice();
    this.pump();
  }

  private sliceAllowsAnotherBatch(): boolean {
    return this.clock.virtual
      ? ++this.batchesInSlice < VIRTUAL_SLICE_BATCHES
      : performance.now() - this.sliceStart < SLICE_MS;
  }

  private startSlice(): void {
    this.sliceStart = performance.now();
    this.batchesInSlice = 0;
  }

  /** Nothing is ready and no step is in flight: wait for a timer, for I/O, or report a deadlock. */
  private idle(): void {
    if (this.monitor !== null) {
      this.monitor.beforeIdle();
      if (this.ready.length > 0) {
        this.pump();
        return;
      }
    }
    const next = this.timers.peek();
    if (!this.clock.virtual) {
      if (next !== undefined) this.armHostTimer(next.deadline);
      return; // Node's event loop running empty is the real clock's deadlock (beforeExit)
    }
    if (this.foreignWaits > 0 || (this.strays !== null && this.strays.size > 0)) return;
    if (next !== undefined) {
      this.clock.advanceTo(next.deadline);
      this.fireDueTimers();
      this.startSlice();
      this.pump();
      return;
    }
    this.deadlock();
  }

  /** @internal Node's event loop is empty: nothing can wake any task of this loop ever again. */
  eventLoopEmpty(): void {
    if (this.finished) return;
    this.microtasksDrained();
    if (this.ready.length > 0 || this.batchLeft > 0) {
      this.startSlice();
      this.pump();
      return;
    }
    this.deadlock(
      `Node's event loop is empty while tasks still wait (${this.timers.size} timers ` +
        `pending, ${this.foreignWaits} foreign waits in flight that nothing can settle` +
        (this.clock.virtual && this.timers.size > 0
          ? '; under the virtual clock, timers wait for foreign waits to settle first'
          : '') +
        ')',
    );
  }

  private deadlock(why?: string): void {
    const root = this.rootOf() as LoopRoot;
    if (this.deadlocked) {
      // The tree was cancelled after a deadlock and is stuck again (shielded waits, a raw
      // await nothing settles): nothing can ever run it to the end, so settle now rather
      // than hang, with every error recorded so far (the first report among them).
      this.finish(false, root.recordedError);
      return;
    }
    this.deadlocked = true;
    root.fail(new DeadlockError(this.config.describe(), why)); // cancels the tree: finally blocks run
    if (!this.pumpQueued && this.inFlight === null) this.armMacrotask();
  }

  // --- timers ----------------------------------------------------------------------------

  /** Schedules `entry` (a sleep) to fire after `delayMs` of the loop's clock. */
  addEntry(entry: TimerEntry, delayMs: number): void {
    // Whole milliseconds under the real clock (never earlier than asked): a small integer
    // is stored in the entry itself, where a fractional deadline would be a boxed number
    // (16 B more per sleeping task, and a pointer chase in every heap comparison).
    const deadline = this.clock.now() + delayMs;
    entry.deadline = this.clock.virtual ? deadline : Math.ceil(deadline);
    entry.seq = this.timerSeq++;
    this.timers.push(entry);
    if (!this.pumping && this.inFlight === null && !this.pumpQueued) this.armMacrotask();
  }

  /** Calls `action(target)` after `delayMs` of the loop's clock; remove it to cancel. */
  addTimer<T>(delayMs: number, action: (target: T) => void, target: T): Timer {
    const timer = new Timer(0, 0, action as (target: never) => void, target);
    this.addEntry(timer, delayMs);
    return timer;
  }

  removeTimer(entry: TimerEntry): void {
    this.timers.remove(entry);
  }

  private fireDueTimers(): void {
    const now = this.clock.now();
    const timers = this.timers;
    for (;;) {
      const top = timers.peek();
      if (top === undefined || top.deadline > now) return;
      if (this.fifo) {
        timers.pop();
        top.fire();
        continue;
      }
      // Timers due at the same instant: the order is a schedule choice too.
      const due: TimerEntry[] = [];
      while (timers.peek()?.deadline === top.deadline) due.push(timers.pop() as TimerEntry);
      while (due.length > 0) {
        const i = due.length > 1 ? this.choose(new DueTimers(due)) : 0;
        const entry = due[i];
        due.splice(i, 1);
        entry.fire();
      }
    }
  }

  private armHostTimer(deadline: number): void {
    if (this.hostTimer !== null) {
      if (this.hostTimerDeadline === deadline) return;
      clearTimeout(this.hostTimer);
    }
    this.hostTimerDeadline = deadline;
    // setTimeout takes at most 2^31-1 ms (24.8 days) and fires at once beyond that; a
    // longer sleep re-arms the host timer when it fires with nothing due.
    const delay = Math.min(MAX_HOST_DELAY_MS, Math.max(0, Math.ceil(deadline - this.clock.now())));
    this.hostTimer = setTimeout(this.hostTimerCallback, delay);
  }

  // --- the end -----------------------------------------------------------------------------

  private finish(ok: boolean, outcome: unknown): void {
    if (this.finished) return;
    this.finished = true;
    if (this.hostTimer !== null) clearTimeout(this.hostTimer);
    this.hostTimer = null;
    for (const cleanup of this.cleanups) cleanup();
    if (this.lateErrors.length > 0) {
      const errors = ok ? this.lateErrors : [outcome, ...this.lateErrors];
      ok = false;
      outcome = errors.length === 1 ? errors[0] : new TaskGroupError(errors);
    }
    const settle = this.settle;
    this.settle = null;
    settle?.(ok, outcome);
  }

  /**
   * Calls `cleanup` when the loop finishes, before `run` settles: how a layer above the core
   * (the executors' pools) lets go of what a run started.
   */
  onFinish(cleanup: () => void): void {
    if (this.finished) cleanup();
    else this.cleanups.push(cleanup);
  }

  private installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.signalled) {
        // A second signal: the user does not want to wait for the graceful stop.
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
      this.signalled = true;
      this.rootOf()?.cancel(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    this.cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  }
}

/** Timers due at the same instant, as candidates: ranked by when they were set. */
class DueTimers implements Candidates {
  readonly kind = 'timer';
  constructor(private readonly due: readonly TimerEntry[]) {}
  get length(): number {
    return this.due.length;
  }
  at(rank: number): Schedulable {
    const waiter = this.due[rank].waiter;
    return { priority: waiter?.priority ?? 0, task: waiter?.task ?? null };
  }
}
