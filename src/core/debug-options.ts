/**
 * The `debug` option of `run`: warnings about mistakes that nothing else would report.
 *
 * - A slow step: a step that holds the loop longer than `slowStepMs` stalls every other task
 *   (the talk's CPU-bound pitfall). A step is the same in both styles: from the moment the
 *   loop resumes a task until it waits again.
 * - A deadline overrun: a `withTimeout`/`moveOnAfter` body that finished after its deadline
 *   because it sat in a raw await of a foreign promise, which simul cannot interrupt; the
 *   warning names where that await was (found with V8's promise hooks, in debug mode only).
 * - A dropped result: a consuming wait (a queue get, a lock or permit acquire) whose result
 *   went to a `Promise.race` that no longer waited, so what it took is lost.
 * - A stuck step, a blocking call (src/debug, through `installDebugTooling`).
 * - An operation made and never waited on (a forgotten `await sleep(...)`): operations made
 *   in a debug run's steps are tracked until used, and the run reports the rest as it ends.
 * - Cleanup that cannot wait: a wait in a cancelled task's `finally` throws at once.
 */
import { promiseHooks } from 'node:v8';
import type { Runnable, StepOwner } from './step.js';
import type { Loop, LoopDebug, LoopMonitor } from './loop.js';
import type { Waitable } from './continuation.js';
import { dumpTree } from './dump.js';
import { setOperationTracker, type OperationTracker } from './operation.js';
import type { Instrument } from './instrument.js';
import { storage } from './context.js';
import { isUserLocation, userFrames } from './error-report.js';
import { functionLocation } from './function-location.js';
import { raceSite, unwatchRaces, watchRaces } from './race-sites.js';
import type { Task } from './task.js';
import { checkKeys, checkMs, checkObject, checkOneOf, optionKeys, show } from './validate.js';

export interface DebugOptions {
  /** Warn when one step of a task runs longer than this (default 100 ms). */
  slowStepMs?: number;
  /**
   * The watchdog thread reports a step still running after this long, while it still runs
   * (default 1000 ms): a `while (true) {}` is reported too.
   */
  stuckMs?: number;
  /**
   * Blocking calls (`fs.*Sync`, `child_process.*Sync`, `zlib.*Sync`, `Atomics.wait`...) made
   * inside a task step: 'warn' (the default in debug mode), 'throw', or 'off'.
   */
  blockingCalls?: 'off' | 'warn' | 'throw';
  /** Blocking calls that are fine: `'fs.readFileSync'`, or `'fs.*'` for a whole module. */
  allowBlocking?: readonly string[];
}

const DEBUG_KEYS = optionKeys<DebugOptions>({
  slowStepMs: true,
  stuckMs: true,
  blockingCalls: true,
  allowBlocking: true,
});

/** The debug options with their defaults filled in. */
export interface ResolvedDebugOptions {
  slowStepMs: number;
  stuckMs: number;
  blockingCalls: 'off' | 'warn' | 'throw';
  allowBlocking: readonly string[];
}

/** A debug warning: what went wrong, in which task, with the figures behind it. */
export type Warning =
  | {
      kind: 'slow-step';
      message: string;
      /** The task whose step was slow. */
      task: TaskRef;
      durationMs: number;
    }
  | {
      /** A step ran past `stuckMs` (the watchdog reported it on stderr while it ran). */
      kind: 'stuck-step';
      message: string;
      task: TaskRef;
      durationMs: number;
    }
  | {
      kind: 'blocking-call';
      message: string;
      task: TaskRef;
      /** The blocking function: `fs.readFileSync`. */
      api: string;
      /** Where the program called it (file:line:column), if known. */
      site: string | null;
    }
  | {
      /** An operation made and never awaited, delegated to, or handed to all/race/spawn. */
      kind: 'unawaited-operation';
      message: string;
      task: TaskRef;
      /** The operation: `sleep(100)`. */
      operation: string;
      /** Where it was made (file:line:column), if known. */
      site: string | null;
    }
  | {
      /** A wait in cleanup code of a cancelled task, which threw CancelledError at once. */
      kind: 'cancelled-cleanup';
      message: string;
      task: TaskRef;
      operation: string;
      /** Where the operation was made (file:line:column), if known. */
      site: string | null;
    }
  | {
      kind: 'deadline-overrun';
      message: string;
      task: TaskRef;
      /** The scope that overran: `withTimeout(100)`, `moveOnAfter(50)`. */
      scope: string;
      overrunMs: number;
      /** Where the task last awaited a promise simul could not interrupt (file:line), if known. */
      site: string | null;
    }
  | {
      kind: 'dropped-result';
      message: string;
      task: TaskRef;
      /** The wait whose result nobody received: `Queue#1 get (empty...)`. */
      operation: string;
      /** Where it was handed to `Promise.race` (or awaited), file:line. */
      site: string | null;
    };

/** A task, as a warning names it (the message also says where its body is defined). */
export interface TaskRef {
  id: number;
  name: string;
}

/**
 * What src/debug adds to a debug run (the watchdog thread, the blocking-call detector,
 * SIGUSR2 dumps). The core cannot import it (layering), so src/debug registers itself with
 * `installDebugTooling` when simul's entry point loads it.
 */
export interface DebugTooling {
  start(run: DebugRun): DebugSession;
}

/** What the tooling learns of the run it watches. */
export interface DebugRun {
  readonly options: ResolvedDebugOptions;
  /** Reports a warning through the run's `onWarning`. */
  warn(warning: Warning): void;
  /** The task tree as `dumpTasks()` writes it. */
  dump(): string;
  /** `task #3 (worker), body at file:///app/a.js:12:5`: how reports name a task. */
  describeTask(task: Task): string;
}

/** The tooling's part of one run: it hears of every step, and ends with the run. */
export interface DebugSession {
  /** A step of `task` starts, at `startedAt` (`performance.now()`). */
  stepStarted(task: Task, startedAt: number): void;
  stepEnded(task: Task): void;
  end(): void;
}

let tooling: DebugTooling | null = null;

/** @internal Called once by src/debug: debug runs use its tooling from now on. */
export function installDebugTooling(installed: DebugTooling): void {
  tooling = installed;
}

/** Marks the waits that take something (an item, a lock, a permit) when they complete. */
export interface ConsumingWait {
  readonly consumes?: boolean;
  describe(k: unknown): string;
}

interface AwaitRecord {
  /** The wait, described while it was parked (`Queue#1 get (empty...)`). */
  operation: string;
  /** The loop step in which the await parked: awaits of one Promise.all park together. */
  step: number;
  /** Where the program handed the wait to Promise.race, or awaited it. */
  site: string | null;
}

// V8's promise hooks are global: one hook for every debug run in the process, noting for
// each task inside a deadline scope where it last created promises (the throwaway promise of
// an `await` is created with the awaiting function on the stack). simul's own code creates
// some too, so the last few are kept and the newest with a frame of the program's own is
// reported.
const debugRuns = new Set<DebugMonitor>();
let stopHook: (() => void) | null = null;
/**
 * Deadline scopes open in debug runs: the hook is on only while there is one, since a hook
 * called for every promise costs every async step, even when it returns at once.
 */
let openDeadlineScopes = 0;
const SITES_KEPT = 8;
const AWAIT_SITE_FRAMES = 4;
const promiseSites = new WeakMap<object, Error[]>();

function onPromiseInit(): void {
  const ctx = storage.getStore();
  // Only inside an inner scope (withTimeout, moveOnAfter...), where the deadline-overrun
  // report may need it: a stack captured for every promise of every async task would make
  // each async step of a debug run many times slower.
  if (ctx === undefined || (ctx.scope as unknown) === ctx.task) return;
  let sites = promiseSites.get(ctx.task);
  if (sites === undefined) promiseSites.set(ctx.task, (sites = []));
  if (sites.length === SITES_KEPT) sites.shift();
  // A few frames are enough: the code that made the promise is right below this hook.
  sites.push(shortStack('await site', AWAIT_SITE_FRAMES));
}

/** The newest place where `task` created a promise in its own code, if one is known. */
function lastAwaitSite(task: object): string | null {
  const sites = promiseSites.get(task) ?? [];
  for (let i = sites.length - 1; i >= 0; i--) {
    const site = siteOf(sites[i]);
    if (site !== null) return site;
  }
  return null;
}

/** An operation made in a debug run's step and not waited on yet. */
interface MadeRecord {
  monitor: DebugMonitor;
  task: Task;
  /** Captured where it was made; its stack is formatted only if it is reported. */
  made: Error;
}

// Operations made during a step of a debug run and not waited on yet, by operation. Global
// like the hook that fills it (operation.ts), since an operation can be made in one run's
// step and used anywhere; each run reports its own when it ends.
const unusedOperations = new Map<object, MadeRecord>();
/** Where each operation still tracked was made (kept after use, for the cleanup report). */
const madeAt = new WeakMap<object, Error>();
/** The debug run whose step is running now, and its task (null between steps). */
let stepping: DebugMonitor | null = null;
let steppingTask: Task | null = null;

const operationTracker: OperationTracker = {
  made(op) {
    if (stepping === null) return; // made outside any task step (module code): not ours
    const made = shortStack('made');
    madeAt.set(op, made);
    unusedOperations.set(op, { monitor: stepping, task: steppingTask as Task, made });
  },
  used(op) {
    unusedOperations.delete(op);
  },
};

/** A task's body and when it was spawned. */
interface Birth {
  body: object;
  at: number;
}

export class DebugMonitor implements Instrument, LoopDebug, LoopMonitor {
  private started = 0;
  /** When the last step ended, and in which pump of the loop (see stepStarted). */
  private ended = 0;
  private endedInPump = -1;
  private steps = 0;
  private readonly awaits = new WeakMap<object, AwaitRecord>();
  /**
   * Each task's body function (where it is defined is looked up only for a report) and when
   * it was spawned: one entry per task, as every entry of a WeakMap costs the collector.
   */
  private readonly births = new WeakMap<object, Birth>();
  /** For each task, the cancelled scopes whose CancelledError its code has already seen. */
  private readonly cancelsSeen = new WeakMap<object, object[]>();
  private session: DebugSession | null = null;
  private loop: Loop | null = null;
  constructor(
    readonly options: ResolvedDebugOptions,
    private readonly onWarning: (warning: Warning) => void,
  ) {}

  /**
   * Starts what a debug run needs while it runs (the promise hook, the tracking of
   * operations, src/debug's tooling); the function returned ends it all and reports the
   * operations made in this run and never waited on.
   */
  attach(loop: Loop, root: () => Task): () => void {
    this.loop = loop;
    debugRuns.add(this);
    watchRaces();
    setOperationTracker(operationTracker);
    this.session =
      tooling?.start({
        options: this.options,
        warn: (warning) => this.warn(warning),
        dump: () => dumpTree(root(), loop.now(), this),
        describeTask: (task) => this.describeTask(task),
      }) ?? null;
    return () => {
      this.session?.end();
      this.session = null;
      this.reportUnused();
      debugRuns.delete(this);
      if (debugRuns.size === 0) {
        setOperationTracker(null);
        unwatchRaces();
        // A run may end with a deadline scope never closed (a raw await nothing settles).
        openDeadlineScopes = 0;
        if (stopHook !== null) {
          stopHook();
          stopHook = null;
        }
      }
    };
  }

  deadlineScope(change: 1 | -1): void {
    openDeadlineScopes += change;
    if (openDeadlineScopes > 0 && stopHook === null) {
      stopHook = promiseHooks.onInit(onPromiseInit) as () => void;
    } else if (openDeadlineScopes === 0 && stopHook !== null) {
      stopHook();
      stopHook = null;
    }
  }

  /** The monitor `options.debug` asks for, if any; `where` is the function called (`run`, `main`). */
  static create(
    where: string,
    debug: boolean | DebugOptions | undefined,
    onWarning: ((warning: Warning) => void) | undefined,
  ): DebugMonitor | null {
    if (onWarning !== undefined && typeof onWarning !== 'function') {
      throw new TypeError(`${where}: options.onWarning must be a function, got ${show(onWarning)}`);
    }
    if (debug === undefined || debug === false) return null;
    if (debug !== true) {
      checkObject(where, 'options.debug', debug);
      checkKeys(where, 'options.debug', debug, DEBUG_KEYS);
    }
    const options = debug === true ? {} : debug;
    const slowStepMs = checkMs(where, 'options.debug.slowStepMs', options.slowStepMs ?? 100);
    const stuckMs = checkMs(where, 'options.debug.stuckMs', options.stuckMs ?? 1000);
    const blockingCalls = checkOneOf(
      where,
      'options.debug.blockingCalls',
      options.blockingCalls ?? 'warn',
      ['off', 'warn', 'throw'] as const,
    );
    const allowBlocking = options.allowBlocking ?? [];
    if (!Array.isArray(allowBlocking) || allowBlocking.some((a) => typeof a !== 'string')) {
      throw new TypeError(
        `${where}: options.debug.allowBlocking must be an array of names like 'fs.readFileSync' or 'fs.*', got ${show(allowBlocking)}`,
      );
    }
    return new DebugMonitor(
      { slowStepMs, stuckMs, blockingCalls, allowBlocking },
      onWarning ?? ((w) => process.stderr.write(`simul warning: ${w.message}\n`)),
    );
  }

  private warn(warning: Warning): void {
    try {
      this.onWarning(warning);
    } catch (error) {
      this.loop?.crash(error); // an onWarning that throws fails the run, as an instrument does
    }
  }

  /** `task #3 (worker), body at file:///app/a.js:12:5`: the body's place if it is the program's. */
  describeTask(task: Task): string {
    const body = this.births.get(task)?.body;
    const where = body === undefined ? null : functionLocation(body);
    const site = where === null || !isUserLocation(where) ? null : where;
    return `task #${task.id} (${task.name})${site === null ? '' : `, body at ${site}`}`;
  }

  taskBody(owner: StepOwner, body: object): void {
    this.births.set(owner, { body, at: (owner as Task).loop.now() });
  }

  // The rest of LoopMonitor: nothing to do (spawns are noted by taskBody).
  taskSpawned(): void {}
  taskExited(): void {}
  beforeIdle(): void {}

  /** When `task` was spawned on the loop's clock, if this run saw it. */
  bornAt(task: object): number | undefined {
    return this.births.get(task)?.at;
  }

  stepStarted(task: Task): void {
    this.steps++;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the run whose step runs now
    stepping = this;
    steppingTask = task;
    // Steps that follow each other in one pump of the loop start when the last one ended: a
    // clock read costs about half a generator task switch, and this saves one per step.
    const loop = task.loop;
    const started =
      loop.isPumping && loop.pumpCount === this.endedInPump ? this.ended : performance.now();
    this.started = started;
    if (this.session !== null) this.session.stepStarted(task, started);
  }

  stepEnded(task: Task): void {
    const ended = performance.now();
    this.ended = ended;
    this.endedInPump = task.loop.pumpCount;
    const duration = ended - this.started;
    stepping = null;
    steppingTask = null;
    if (this.session !== null) this.session.stepEnded(task);
    const { slowStepMs, stuckMs } = this.options;
    if (duration >= stuckMs) {
      this.warn({
        kind: 'stuck-step',
        message: `${this.describeTask(task)} held the loop for ${duration.toFixed(1)} ms in one step (stuckMs ${stuckMs}; the watchdog reported it while it ran); release the CPU with yieldNow() or move the work to a thread`,
        task: { id: task.id, name: task.name },
        durationMs: duration,
      });
    } else if (duration > slowStepMs) {
      this.warn({
        kind: 'slow-step',
        message: `${this.describeTask(task)} held the loop for ${duration.toFixed(1)} ms in one step (slowStepMs ${slowStepMs}); release the CPU with yieldNow() or move the work to a thread`,
        task: { id: task.id, name: task.name },
        durationMs: duration,
      });
    }
  }

  awaitParked(k: Runnable, op: unknown): void {
    const wait = op as ConsumingWait;
    if (wait.consumes !== true) return;
    // Where the program handed the wait to Promise.race (or awaited it, if it did not).
    const raced = raceSite(op as object);
    this.awaits.set(k, {
      operation: wait.describe(k),
      step: this.steps,
      site:
        raced !== undefined
          ? siteOf(raced)
          : lastAwaitSite((k as Runnable & { task: object }).task),
    });
  }

  resultUnreceived(owner: StepOwner, resumed: Runnable): void {
    const record = this.awaits.get(resumed);
    if (record === undefined) return;
    const task = owner as Task;
    // A Promise.all of operations still waiting for a sibling awaited in the same step
    // resumes nothing either, but its value is not lost: it is waiting for the others.
    for (const k of task.waits()) {
      if (k.waitingOn !== null && this.awaits.get(k)?.step === record.step) return;
    }
    const { operation, site } = record;
    this.warn({
      kind: 'dropped-result',
      message:
        `task #${task.id} (${task.name}): ${operation} completed, but nothing received its ` +
        `result${site === null ? '' : ` (awaited at ${site})`}: it went to a Promise.race that ` +
        'had already settled, and what it took is lost; race() from simul commits at most one ' +
        'of the waits it is given',
      task: { id: task.id, name: task.name },
      operation,
      site,
    });
  }

  deadlineOverrun(owner: StepOwner, scope: string, overrunMs: number): void {
    const task = owner as Task;
    const site = lastAwaitSite(task);
    this.warn({
      kind: 'deadline-overrun',
      message:
        `task #${task.id} (${task.name}): ${scope} finished ${overrunMs.toFixed(1)} ms after its ` +
        `deadline, in code simul could not interrupt${site === null ? '' : ` (last await of a foreign promise at ${site})`}; ` +
        'pass abortSignal() to the API, or wait with until((signal) => ...), so the deadline can stop it',
      task: { id: task.id, name: task.name },
      scope,
      overrunMs,
      site,
    });
  }

  cancelDelivered(owner: StepOwner, scope: object, op: Waitable | null): void {
    const task = owner as Task;
    let seen = this.cancelsSeen.get(task);
    if (seen === undefined) this.cancelsSeen.set(task, (seen = []));
    if (op === null || !seen.includes(scope)) {
      // The first CancelledError the task's code sees from this cancellation: its way out.
      if (!seen.includes(scope)) seen.push(scope);
      return;
    }
    const operation = op.describe(null);
    const made = madeAt.get(op);
    const site = made === undefined ? null : siteOf(made);
    this.warn({
      kind: 'cancelled-cleanup',
      message:
        `${this.describeTask(task)}: ${operation}${site === null ? '' : ` (at ${site})`} threw ` +
        'CancelledError at once: the task was already cancelled, so cleanup code cannot wait ' +
        '(the rest of that finally block is skipped); wrap cleanup that must wait in shield(...)',
      task: { id: task.id, name: task.name },
      operation,
      site,
    });
  }

  /** The run has ended: report the operations its steps made and nothing waited on. */
  private reportUnused(): void {
    for (const [op, record] of unusedOperations) {
      if (record.monitor !== this) continue;
      unusedOperations.delete(op);
      const operation = (op as Waitable).describe(null);
      const site = siteOf(record.made);
      const task = record.task;
      this.warn({
        kind: 'unawaited-operation',
        message:
          `${this.describeTask(task)} made ${operation}${site === null ? '' : ` at ${site}`} and ` +
          'never waited on it: an operation does nothing until it is awaited (await op), ' +
          'delegated to (yield* op) or handed to all/race/spawn; a missing await?',
        task: { id: task.id, name: task.name },
        operation,
        site,
      });
    }
  }
}

/**
 * An Error for its stack, captured with few frames (the program's frame is a few frames
 * below simul's own): a full stack on every spawn and every operation made would make debug
 * mode many times slower.
 */
function shortStack(message: string, frames = 12): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  try {
    return new Error(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The first frame of the program's own code in `error`'s stack (`file:///app/a.js:12:5`). */
export function siteOf(error: Error): string | null {
  const frame = userFrames(error.stack)[0];
  if (frame === undefined) return null;
  const at = frame.trim().slice('at '.length);
  return at.endsWith(')') ? at.slice(at.lastIndexOf('(') + 1, -1) : at.replace(/^async /, '');
}
