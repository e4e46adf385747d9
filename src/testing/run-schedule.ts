/**
 * One run of a body under the virtual clock with a given schedule, as every part of the
 * testing layer needs it: its outcome (never thrown), the choices it made (its trace), and
 * the number of task steps it took. explore, replay, shrink and describeTrace all run bodies
 * through here, so that "the same run" means the same options everywhere.
 */
import { startRun, type RunOptions } from '../core/run.js';
import type { ScheduleOptions } from '../core/schedule.js';
import type { Instrument } from '../core/instrument.js';
import { getActiveLoop, type Loop } from '../core/loop.js';
import { currentContext } from '../core/context.js';
import { InvalidStateError } from '../core/errors.js';

/** What a run ended with, and the schedule it took. */
export interface RunOutcome {
  ok: boolean;
  /** The run's result when ok, its error otherwise. */
  value: unknown;
  /** Every choice the loop made, in order (zeros included). */
  trace: number[];
  /** Task steps the run took (counted only when `onLoop` or `instruments` is given). */
  steps: number;
}

export interface RunScheduleOptions {
  /** The public function running the body, for error messages (`explore`, `replay`). */
  fn: string;
  schedule: ScheduleOptions;
  maxSteps: number;
  /** Extra instruments (describeTrace counts steps through one). */
  instruments?: Instrument[];
  /** Called with the loop once its root task exists. */
  onLoop?: (loop: Loop) => void;
}

/**
 * Every run of the testing layer is a `run` of its own, which cannot start inside a running
 * task: say so when the public function is called, not in a rejected promise later.
 */
export function checkOutsideTasks(fn: string): void {
  if (currentContext() !== undefined || getActiveLoop() !== null) {
    throw new InvalidStateError(
      `${fn}() cannot be called inside a running task: it runs the body in loops of its own; call it from a test or a script`,
    );
  }
}

/** Runs `body` once; never rejects with the body's error, which is in the outcome. */
export async function runSchedule(
  body: () => unknown,
  options: RunScheduleOptions,
): Promise<RunOutcome> {
  const trace = options.schedule.record ?? [];
  let loop: Loop | null = null;
  // The loop is reached through the first task spawned: the root.
  const grab: Instrument = {
    taskSpawned(task) {
      if (loop === null) {
        loop = task.loop;
        options.onLoop?.(loop);
      }
    },
  };
  const runOptions: RunOptions = {
    clock: 'virtual',
    schedule: { ...options.schedule, record: trace },
    maxSteps: options.maxSteps,
  };
  const instruments = options.instruments ?? [];
  if (options.onLoop !== undefined || instruments.length > 0) {
    runOptions.instruments = [grab, ...instruments];
  }
  let ok: boolean;
  let value: unknown;
  let steps = 0;
  try {
    value = await startRun(options.fn, 'body', body, runOptions);
    ok = true;
  } catch (error) {
    value = error;
    ok = false;
  }
  if (loop !== null) steps = (loop as Loop).steps;
  return { ok, value, trace, steps };
}

/**
 * How two failures are told apart: the error's class and the first line of its message (a
 * deadlock's task dump, below its first line, names times and ids that differ between
 * schedules of the same bug).
 */
export function failureKey(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return `thrown ${typeof error}: ${String(error).split('\n')[0]}`;
}

/** The number of choices in `trace` that differ from FIFO's. */
export function nonDefaultChoices(trace: readonly number[]): number {
  let count = 0;
  for (const choice of trace) if (choice !== 0) count++;
  return count;
}
