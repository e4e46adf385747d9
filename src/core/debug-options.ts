/**
 * The `debug` option of `run`: slow-step warnings (SPEC §7), built as an instrument.
 * A step that holds the loop longer than `slowStepMs` stalls every other task (the talk's
 * CPU-bound pitfall); the warning names the task and the duration.
 *
 * Steps of async functions are resumed by the loop but run in the microtasks after its
 * batch, so their durations are only measured for generator steps and task starts; the
 * blocking-call detector and the watchdog thread come with the debug tooling (§7).
 */
import type { Instrument } from './instrument.js';
import type { Task } from './task.js';
import { checkKeys, checkObject, optionKeys, show } from './validate.js';

export interface DebugOptions {
  /** Warn when one step of a task runs longer than this (default 100 ms). */
  slowStepMs?: number;
  /** Reporting of blocking `*Sync` calls: only 'off' is available in this version. */
  blockingCalls?: 'off' | 'warn' | 'throw';
}

const DEBUG_KEYS = optionKeys<DebugOptions>({ slowStepMs: true, blockingCalls: true });

export interface Warning {
  kind: 'slow-step';
  message: string;
  /** The task whose step was slow. */
  task: { id: number; name: string };
  durationMs: number;
}

export class DebugMonitor implements Instrument {
  private started = 0;
  constructor(
    private readonly slowStepMs: number,
    private readonly onWarning: (warning: Warning) => void,
  ) {}

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
    this.started = performance.now();
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
