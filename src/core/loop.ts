/**
 * The event loop: a ready queue, one timer heap, a clock and a schedule policy.
 *
 * A turn runs the continuations that are ready when it starts, as one batch, in the order
 * the policy chooses. Generator steps run inside the batch; async continuations are
 * resolved by it and run in the microtasks right after. Batches follow each other in
 * microtasks for at most SLICE_MS of real time (a slice); then the loop yields to Node's
 * event loop with `setImmediate`, so I/O callbacks and host timers are never starved by a
 * flood of ready tasks. (One `setImmediate` per batch would be simpler but costs ~0.9 µs a
 * batch, which alone would miss the task-switch targets several times over.)
 *
 * When nothing is ready, the loop looks again from a macrotask (so every microtask chain of
 * the resumed async code has run) and then: under the real clock arms a single host timer
 * for the earliest deadline; under the virtual clock jumps time to that deadline, unless a
 * foreign wait is in flight; and if there is neither a timer nor a foreign wait, reports a
 * DeadlockError with the task dump instead of hanging.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from './clock.js';
import { DeadlockError, TaskGroupError } from './errors.js';
import type { Instrument } from './instrument.js';
import { RingQueue } from './ring-queue.js';
import type { Schedulable, SchedulePolicy } from './schedule.js';
import { Task, type Nursery } from './task.js';
import { Timer, TimerHeap, type TimerEntry } from './timer-heap.js';
import type { ScopeLike } from './scope.js';
import { dumpTree } from './dump.js';

/** Something the loop can run from its ready queue: a continuation or a callback. */
export interface Runnable {
  readonly task: Task | null;
  readonly priority: number;
  run(): void;
}

/** How long batches may follow each other in microtasks before Node's event loop gets a turn. */
export const SLICE_MS = 1;

/**
 * Under the virtual clock the slice is counted in batches, not measured in real time: whether
 * the next batch starts in a microtask or after a macrotask decides which async tasks have
 * re-registered by then, so a time-based slice would make the order of steps depend on the
 * machine's speed and break the determinism contract.
 */
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

/** The loop whose turn is running right now (callbacks have no task to ask). */
export function getActiveLoop(): Loop | null {
  return activeLoop;
}

export interface LoopConfig {
  clock: Clock;
  policy: SchedulePolicy;
  instruments: readonly Instrument[];
  handleSignals: boolean;
}

export class Loop {
  readonly clock: Clock;
  readonly policy: SchedulePolicy;
  private readonly fifo: boolean;
  private readonly ready = new RingQueue<Runnable>();
  private readonly timers = new TimerHeap();
  private timerSeq = 0;
  /** Waits on things outside simul (until, fromCallback, I/O) that are in flight. */
  foreignWaits = 0;
  private nextTaskId = 1;
  root: Task | null = null;
  finished = false;
  private turnScheduled = false;
  private idleScheduled = false;
  private sliceStart = 0;
  private batchesInSlice = 0;
  /** Set when a batch resumed async code, whose next wait registers in a microtask. */
  asyncResumed = false;
  private hostTimer: ReturnType<typeof setTimeout> | null = null;
  private hostTimerDeadline = Infinity;
  private readonly instruments: readonly Instrument[] | null;
  private deadlocked = false;
  private signalled = false;
  private settle: ((ok: boolean, value: unknown) => void) | null = null;
  private readonly cleanups: (() => void)[] = [];
  private readonly lateErrors: unknown[] = [];
  // Bound to the context `run` was called in (so tasks inherit the caller's other
  // AsyncLocalStorage stores), never to the context of whatever async code happened to
  // schedule a turn (a generator step would then run inside another task's context).
  private readonly turnCallback: () => void;
  private readonly sliceCallback: () => void;
  private readonly idleCallback: () => void;
  private readonly hostTimerCallback: () => void;

  constructor(private readonly config: LoopConfig) {
    this.clock = config.clock;
    this.policy = config.policy;
    this.fifo = config.policy.isFifo;
    this.instruments = config.instruments.length > 0 ? config.instruments : null;
    // One bind per loop (a bind costs ~5 µs): every entry point of the loop goes through it.
    const enter = AsyncLocalStorage.bind((work: () => void): void => work());
    const turn = (): void => this.turn();
    const slice = (): void => {
      this.startSlice();
      this.turn();
    };
    const idle = (): void => this.idle();
    const hostTimer = (): void => {
      this.hostTimer = null;
      this.hostTimerDeadline = Infinity;
      this.startSlice();
      this.turn();
    };
    this.turnCallback = () => enter(turn);
    this.sliceCallback = () => enter(slice);
    this.idleCallback = () => enter(idle);
    this.hostTimerCallback = () => enter(hostTimer);
  }

  /** Runs `main` as the root task; settles with its outcome once the whole tree is done. */
  start<T>(main: () => unknown, name: string | undefined): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.settle = (ok, value) => (ok ? resolve(value as T) : reject(value));
    });
    watchForEmptyEventLoop(this);
    this.cleanups.push(() => unwatchForEmptyEventLoop(this));
    if (this.config.handleSignals) this.installSignalHandlers();
    this.startSlice();
    this.root = this.spawnTask(main, name, null, null, null);
    return promise;
  }

  now(): number {
    return this.clock.now();
  }

  // --- tasks ---------------------------------------------------------------------------

  spawnTask(
    body: () => unknown,
    name: string | undefined,
    parent: Task | null,
    nursery: Nursery | null,
    scope: ScopeLike | null,
  ): Task {
    const id = this.nextTaskId++;
    const task = new Task(this, id, name ?? (body.name || undefined), body, parent, nursery, scope);
    if (!this.fifo) this.policy.taskCreated(task);
    if (this.instruments !== null) this.notify('taskSpawned', task);
    this.enqueue(task);
    return task;
  }

  taskExited(task: Task): void {
    if (this.instruments !== null) this.notify('taskExited', task);
  }

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
    const root = this.root;
    if (root !== null && !root.isFinished) root.fail(error);
    else this.lateErrors.push(error); // the root is settling right now: fail the run
  }

  // --- the ready queue and turns ---------------------------------------------------------

  enqueue(runnable: Runnable): void {
    this.ready.push(runnable);
    if (!this.turnScheduled) this.schedule();
  }

  private schedule(): void {
    this.turnScheduled = true;
    if (this.sliceAllowsAnotherBatch()) queueMicrotask(this.turnCallback);
    else setImmediate(this.sliceCallback);
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

  private turn(): void {
    if (this.finished) return;
    this.turnScheduled = true; // enqueues during the batch must not schedule another turn
    const previous = activeLoop;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the loop running this turn, for callbacks
    activeLoop = this;
    try {
      if (!this.clock.virtual && this.timers.size > 0) this.fireDueTimers();
      for (;;) {
        const n = this.ready.length;
        if (n === 0) break;
        this.asyncResumed = false;
        if (this.fifo) {
          for (let i = 0; i < n; i++) this.runOne(this.ready.shift() as Runnable);
        } else {
          this.runBatchByPolicy(n);
        }
        // Only generator steps ran: nothing is pending in microtasks, so the next batch
        // can follow at once. An async step registers its next wait in a microtask, so
        // after one the next batch must wait for the microtask queue.
        if (this.asyncResumed || this.finished || !this.sliceAllowsAnotherBatch()) break;
      }
    } finally {
      activeLoop = previous;
      this.turnScheduled = false;
    }
    if (this.finished) return;
    if (this.ready.length > 0) this.schedule();
    else this.scheduleIdle();
  }

  private runBatchByPolicy(n: number): void {
    const batch: Runnable[] = [];
    for (let i = 0; i < n; i++) batch.push(this.ready.shift() as Runnable);
    while (batch.length > 0) {
      const i = batch.length > 1 ? this.policy.choose(batch) : 0;
      const runnable = batch[i];
      // Swap-remove keeps a large random batch linear; choices index the batch as it is.
      batch[i] = batch[batch.length - 1];
      batch.pop();
      if (runnable.task !== null) this.policy.stepStarted(runnable.task);
      this.runOne(runnable);
    }
  }

  private runOne(runnable: Runnable): void {
    const task = this.instruments === null ? null : runnable.task;
    if (task !== null) this.notify('stepStarted', task);
    try {
      runnable.run();
    } catch (error) {
      this.crash(error);
    }
    if (task !== null) this.notify('stepEnded', task);
  }

  private scheduleIdle(): void {
    if (this.idleScheduled) return;
    this.idleScheduled = true;
    setImmediate(this.idleCallback);
  }

  private idle(): void {
    this.idleScheduled = false;
    if (this.finished || this.turnScheduled) return;
    this.startSlice();
    if (this.ready.length > 0) {
      this.turn();
      return;
    }
    if (this.instruments !== null) this.notify('beforeIdle', null);
    if (this.ready.length > 0) {
      this.turn();
      return;
    }
    const next = this.timers.peek();
    if (!this.clock.virtual) {
      if (next !== undefined) this.armHostTimer(next.deadline);
      return;
    }
    if (this.foreignWaits > 0) return; // its completion will wake a task and schedule a turn
    if (next !== undefined) {
      this.clock.advanceTo(next.deadline);
      this.fireDueTimers();
      this.turn();
      return;
    }
    this.deadlock();
  }

  /** @internal Node's event loop is empty: nothing can wake any task of this loop ever again. */
  eventLoopEmpty(): void {
    if (this.finished) return;
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
    const root = this.root as Task;
    const error = new DeadlockError(dumpTree(root, this.clock.now()), why);
    if (this.deadlocked) {
      // The tree was cancelled after a deadlock and is stuck again (shielded waits):
      // nothing can ever run it to the end, so settle now rather than hang, with every
      // error recorded so far (the first deadlock's report among them).
      root.fail(error);
      this.finish(false, root.recordedError);
      return;
    }
    this.deadlocked = true;
    root.fail(error); // cancels the tree so that every finally block runs
    if (!this.turnScheduled) this.scheduleIdle();
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
    if (!this.turnScheduled) this.scheduleIdle();
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
        const i = due.length > 1 ? this.policy.choose(due.map(timerRank)) : 0;
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

  private installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.signalled) {
        // A second signal: the user does not want to wait for the graceful stop.
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
      this.signalled = true;
      this.root?.cancel(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    this.cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  }

  private notify(hook: keyof Instrument, task: Task | null): void {
    for (const instrument of this.instruments as readonly Instrument[]) {
      const fn = instrument[hook] as ((task: Task | null) => void) | undefined;
      if (fn === undefined) continue;
      try {
        fn.call(instrument, task);
      } catch (error) {
        this.crash(error);
      }
    }
  }
}

function timerRank(entry: TimerEntry): Schedulable {
  return { priority: entry.waiter?.priority ?? 0 };
}
