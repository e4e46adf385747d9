/**
 * `replay(body, failure | trace | { seed, policy })`: runs one schedule again, exactly, and
 * settles as `run` would. A trace is followed choice by choice (ExactReplayPolicy in
 * core/schedule.ts); a seed re-creates the policy's random stream. A trace that no longer
 * fits the program is not quietly bent into some other schedule: the run fails with a
 * `ReplayError` that says where the two parted (the trace is too short, a choice is out of
 * range, or the run ended with choices left over), because a "replay" of a different
 * schedule would send whoever debugs it after the wrong interleaving.
 */
import { checkBody } from '../core/body.js';
import { ReplayError } from '../core/errors.js';
import type { BodyValue } from '../core/task.js';
import {
  checkInteger,
  checkKeys,
  checkObject,
  checkOneOf,
  optionKeys,
  show,
} from '../core/validate.js';
import {
  runSchedule,
  type RunOutcome,
  type RunScheduleOptions,
  checkOutsideTasks,
} from './run-schedule.js';
import type { ScheduleOptions } from '../core/schedule.js';

/** The default step budget of one run of explore or replay (SPEC §8). */
const DEFAULT_MAX_STEPS = 100_000;

/** `options.maxSteps` of a testing entry point `fn`, checked, with its default. */
export function checkMaxSteps(fn: string, maxSteps: unknown): number {
  return checkInteger(fn, 'options.maxSteps', maxSteps ?? DEFAULT_MAX_STEPS, 1);
}

/** A schedule named by the policy and seed that produced it (and PCT's parameters). */
export interface SeededSchedule {
  seed: number;
  policy: 'fifo' | 'random' | 'pct';
  /** PCT's depth (default 3). */
  depth?: number;
  /** PCT's step estimate (explore reports the one it used). */
  steps?: number;
}

/** What `replay` accepts: a failure of an explore report, a trace, or a seeded schedule. */
export type ReplaySource =
  readonly number[] | { readonly trace: readonly number[] } | SeededSchedule;

export interface ReplayOptions {
  /** Fail with StepLimitError after this many task steps (default 100,000). */
  maxSteps?: number;
}

const REPLAY_KEYS = optionKeys<ReplayOptions>({ maxSteps: true });

/**
 * Runs `body` again under the schedule `source` names, under the virtual clock, and settles
 * with its result or error, as `run` would.
 *
 * @example
 * const report = await explore(transfer, { runs: 200 });
 * if (report.failures.length > 0) await replay(transfer, report.failures[0]); // throws the same error
 * await replay(transfer, [0, 0, 1]); // a trace: the third choice takes the second-oldest step
 * await replay(transfer, { seed: 17, policy: 'pct' });
 */
export function replay<B extends () => unknown>(
  body: B,
  source: ReplaySource,
  options: ReplayOptions = {},
): Promise<BodyValue<ReturnType<B>>> {
  checkBody('replay(body, source)', 'body', body);
  checkOutsideTasks('replay');
  checkObject('replay(body, source, options)', 'options', options);
  checkKeys('replay(body, source, options)', 'options', options, REPLAY_KEYS);
  const maxSteps = checkMaxSteps('replay', options.maxSteps);
  const schedule = scheduleOf(source);
  return (async () => {
    const outcome =
      schedule.trace !== undefined
        ? await replayTrace('replay', body, schedule.trace, maxSteps)
        : await runSchedule(body, { fn: 'replay', schedule: schedule.seeded, maxSteps });
    if (!outcome.ok) throw outcome.value;
    return outcome.value as BodyValue<ReturnType<B>>;
  })();
}

/**
 * Runs `trace` exactly. The outcome's error is a ReplayError when the trace does not fit,
 * including when the run ends before it has used every choice.
 */
export async function replayTrace(
  fn: string,
  body: () => unknown,
  trace: readonly number[],
  maxSteps: number,
  watch: Pick<ScheduleOptions, 'onChoice'> & Pick<RunScheduleOptions, 'onLoop'> = {},
): Promise<RunOutcome> {
  const outcome = await runSchedule(body, {
    fn,
    schedule: { policy: 'fifo', replay: trace, exact: true, onChoice: watch.onChoice },
    maxSteps,
    onLoop: watch.onLoop,
  });
  if (outcome.trace.length < trace.length && !(outcome.value instanceof ReplayError)) {
    const ended = outcome.ok ? 'succeeded' : `failed (${String(outcome.value)})`;
    const error = new ReplayError(
      `the run ${ended} after ${outcome.trace.length} choices, but the trace holds ` +
        `${trace.length}: choices #${outcome.trace.length} to #${trace.length - 1} were never consumed`,
      { cause: outcome.ok ? undefined : outcome.value },
    );
    return { ...outcome, ok: false, value: error };
  }
  return outcome;
}

type Resolved =
  { trace: readonly number[]; seeded?: undefined } | { trace?: undefined; seeded: ScheduleOptions };

function scheduleOf(source: unknown): Resolved {
  const where = 'replay(body, source)';
  if (Array.isArray(source)) return { trace: checkTrace(where, 'source', source) };
  if (typeof source !== 'object' || source === null) {
    throw new TypeError(
      `${where}: source must be an explore failure, a trace (an array of choices) or { seed, policy }, got ${show(source)}`,
    );
  }
  const s = source as {
    trace?: unknown;
    seed?: unknown;
    policy?: unknown;
    depth?: unknown;
    steps?: unknown;
  };
  if (s.trace !== undefined) return { trace: checkTrace(where, 'source.trace', s.trace) };
  if (s.seed === undefined || s.policy === undefined) {
    throw new TypeError(
      `${where}: source must have a trace, or both a seed and a policy, got ${show(source)}`,
    );
  }
  const policy = checkOneOf(where, 'source.policy', s.policy, ['fifo', 'random', 'pct'] as const);
  const seed = checkInteger(where, 'source.seed', s.seed, -(2 ** 31));
  const seeded: ScheduleOptions = { policy, seed };
  if (s.depth !== undefined) seeded.depth = checkInteger(where, 'source.depth', s.depth, 1);
  if (s.steps !== undefined) seeded.steps = checkInteger(where, 'source.steps', s.steps, 1);
  return { seeded };
}

/** A trace: an array of integers >= 0. */
export function checkTrace(where: string, name: string, trace: unknown): number[] {
  if (!Array.isArray(trace)) {
    throw new TypeError(`${where}: ${name} must be an array of choices, got ${show(trace)}`);
  }
  trace.forEach((choice: unknown, i) => {
    if (typeof choice !== 'number' || !Number.isInteger(choice) || choice < 0) {
      throw new TypeError(
        `${where}: ${name}[${i}] must be an integer >= 0 (a choice), got ${show(choice)}`,
      );
    }
  });
  return trace as number[];
}
