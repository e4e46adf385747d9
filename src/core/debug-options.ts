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
 *
 * The blocking-call detector and the watchdog thread come with the debug tooling.
 */
import { promiseHooks } from 'node:v8';
import type { Runnable, StepOwner } from './step.js';
import type { LoopDebug } from './loop.js';
import type { Instrument } from './instrument.js';
import { storage } from './context.js';
import { userFrames } from './error-report.js';
import type { Task } from './task.js';
import { checkKeys, checkObject, optionKeys, show } from './validate.js';

export interface DebugOptions {
  /** Warn when one step of a task runs longer than this (default 100 ms). */
  slowStepMs?: number;
  /** Reporting of blocking `*Sync` calls: only 'off' is available in this version. */
  blockingCalls?: 'off' | 'warn' | 'throw';
}

const DEBUG_KEYS = optionKeys<DebugOptions>({ slowStepMs: true, blockingCalls: true });

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
      /** Where it was awaited (file:line). */
      site: string | null;
    };

/** A task, as a warning names it. */
export interface TaskRef {
  id: number;
  name: string;
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
  /** Where the program awaited it (the newest promise its code made: the await's own). */
  site: string | null;
}

// V8's promise hooks are global: one hook for every debug run in the process, noting for
// each task where it last created promises (the throwaway promise of an `await` is created
// with the awaiting function on the stack). simul's own code creates some too, so the last
// few are kept and the newest with a frame of the program's own is reported.
const debugRuns = new Set<DebugMonitor>();
let stopHook: (() => void) | null = null;
const SITES_KEPT = 8;
const promiseSites = new WeakMap<object, Error[]>();

function onPromiseInit(): void {
  const ctx = storage.getStore();
  if (ctx === undefined) return;
  let sites = promiseSites.get(ctx.task);
  if (sites === undefined) promiseSites.set(ctx.task, (sites = []));
  if (sites.length === SITES_KEPT) sites.shift();
  sites.push(new Error('await site'));
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

export class DebugMonitor implements Instrument, LoopDebug {
  private started = 0;
  private steps = 0;
  private readonly awaits = new WeakMap<object, AwaitRecord>();
  constructor(
    private readonly slowStepMs: number,
    private readonly onWarning: (warning: Warning) => void,
  ) {}

  /** Starts the promise hook while at least one debug run is running. */
  attach(): () => void {
    debugRuns.add(this);
    if (stopHook === null) stopHook = promiseHooks.onInit(onPromiseInit) as () => void;
    return () => {
      debugRuns.delete(this);
      if (debugRuns.size === 0 && stopHook !== null) {
        stopHook();
        stopHook = null;
      }
    };
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
      if ('stuckMs' in debug) {
        // The specification's watchdog option: say it is missing rather than call it a typo.
        throw new RangeError(
          `${where}: options.debug.stuckMs is not available in this version (there is no watchdog yet)`,
        );
      }
      checkKeys(where, 'options.debug', debug, DEBUG_KEYS);
    }
    const options = debug === true ? {} : debug;
    const slowStepMs = options.slowStepMs ?? 100;
    if (typeof slowStepMs !== 'number' || !(slowStepMs >= 0)) {
      throw new RangeError(
        `${where}: options.debug.slowStepMs must be a finite number >= 0, got ${show(slowStepMs)}`,
      );
    }
    const blocking = options.blockingCalls ?? 'off';
    if (blocking !== 'off') {
      throw new RangeError(
        `${where}: options.debug.blockingCalls ${show(blocking)} is not available in this version; use 'off'`,
      );
    }
    return new DebugMonitor(
      slowStepMs,
      onWarning ?? ((w) => process.stderr.write(`simul warning: ${w.message}\n`)),
    );
  }

  stepStarted(): void {
    this.steps++;
    this.started = performance.now();
  }

  awaitParked(k: Runnable, op: unknown): void {
    const wait = op as ConsumingWait;
    if (wait.consumes !== true) return;
    this.awaits.set(k, {
      operation: wait.describe(k),
      step: this.steps,
      site: lastAwaitSite((k as Runnable & { task: object }).task),
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
    this.onWarning({
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
    this.onWarning({
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

  stepEnded(task: Task): void {
    const duration = performance.now() - this.started;
    if (duration > this.slowStepMs) {
      this.onWarning({
        kind: 'slow-step',
        message: `task #${task.id} (${task.name}) held the loop for ${duration.toFixed(1)} ms in one step (slowStepMs ${this.slowStepMs}); release the CPU with yieldNow() or move the work to a thread`,
        task: { id: task.id, name: task.name },
        durationMs: duration,
      });
    }
  }
}

/** The first frame of the program's own code in `error`'s stack (`file:///app/a.js:12:5`). */
function siteOf(error: Error): string | null {
  const frame = userFrames(error.stack)[0];
  if (frame === undefined) return null;
  const at = frame.trim().slice('at '.length);
  return at.endsWith(')') ? at.slice(at.lastIndexOf('(') + 1, -1) : at.replace(/^async /, '');
}
