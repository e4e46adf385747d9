/**
 * `explore(body, options)`: runs `body` many times under the virtual clock, each time under
 * a different schedule, and reports the schedules that fail (SPEC §8).
 *
 * Run 0 is the FIFO schedule, the one a plain `run` takes; run i > 0 takes the policy with
 * seed `seed + i`. Every run records its choices (its trace), so a failure can be replayed
 * both from its seed and from its trace. Each new failure is then:
 * 1. re-run once from its trace: a failure that does not come back was caused by something
 *    outside simul's control (a foreign promise, `Math.random`, `Date.now`, state kept between
 *    runs), and is reported as `nondeterministic` with a note naming what the re-run saw;
 * 2. shrunk to the fewest choices that differ from FIFO (shrink.ts), and described in words
 *    (describe-trace.ts).
 * Failures with the same error (class and first line of message) are reported once.
 *
 * PCT needs an estimate of the number of steps a run takes, over which it spreads its
 * priority change points: explore takes the FIFO run's step count.
 */
import { checkBody } from '../core/body.js';
import {
  checkInteger,
  checkKeys,
  checkObject,
  checkOneOf,
  optionKeys,
  show,
} from '../core/validate.js';
import type { ScheduleOptions } from '../core/schedule.js';
import { describeChoices } from './describe-trace.js';
import { ExploreError } from './explore-error.js';
import { diagnoseNondeterminism } from './nondeterminism.js';
import { checkMaxSteps, replayTrace } from './replay.js';
import { failureKey, runSchedule, type RunOutcome, checkOutsideTasks } from './run-schedule.js';
import { shrinkFailure } from './shrink.js';

export interface ExploreOptions {
  /** How many runs, the FIFO run included (default 1,000). */
  runs?: number;
  /** Run i > 0 uses seed `seed + i` (default 0). */
  seed?: number;
  /** 'random' (default): any ready step may run next; 'pct': PCT's priorities. */
  policy?: 'random' | 'pct';
  /** PCT's bug depth d (default 3). */
  depth?: number;
  /** Fail a run with StepLimitError after this many task steps (default 100,000). */
  maxSteps?: number;
  /** Stop at the first failure (default false: run every run, report each failure once). */
  stopOnFailure?: boolean;
  /** Throw an ExploreError describing the failures instead of resolving (for tests). */
  strict?: boolean;
  /** Shrink failing traces (default true). */
  shrink?: boolean;
  /** Most runs shrinking one failure may take (default 1,000). */
  shrinkRuns?: number;
}

/** One failing schedule. */
export interface ExploreFailure {
  /** The seed of the run that failed (replay(body, { seed, policy }) reproduces it). */
  seed: number;
  /** 'fifo' for run 0. */
  policy: 'fifo' | 'random' | 'pct';
  /** PCT's parameters, so that the seed alone replays the run. */
  depth?: number;
  steps?: number;
  /** Which run found it (0 is FIFO). */
  run: number;
  /** What the run failed with (after shrinking: what the shrunk trace fails with). */
  error: unknown;
  /** The schedule, shrunk: replay(body, trace) reproduces it exactly. */
  trace: number[];
  /** The trace as the run recorded it, before shrinking. */
  originalTrace: number[];
  /** True when the failure did not come back on replay: its cause is outside simul. */
  nondeterministic: boolean;
  /** For a nondeterministic failure: what the re-run saw that simul does not control. */
  note?: string;
  /** The shrunk trace in words ("after step 3: t3 (b) ran before t2 (a)"). */
  description: string;
}

export interface ExploreReport {
  /** How many runs were made. */
  runs: number;
  failures: ExploreFailure[];
}

const EXPLORE_KEYS = optionKeys<ExploreOptions>({
  runs: true,
  seed: true,
  policy: true,
  depth: true,
  maxSteps: true,
  stopOnFailure: true,
  strict: true,
  shrink: true,
  shrinkRuns: true,
});

/**
 * Explores schedules of `body`: resolves with every distinct failure found, each replayable,
 * shrunk and described.
 *
 * @example
 * const report = await explore(async () => {
 *   let balance = 100;
 *   const withdraw = async () => {
 *     const seen = balance;
 *     await yieldNow();
 *     balance = seen - 50;
 *   };
 *   await all([spawn(withdraw), spawn(withdraw)]);
 *   if (balance !== 0) throw new Error(`lost update: balance ${balance}`);
 * }, { runs: 100 });
 * report.failures[0]?.description; // "after step 2: t3 (withdraw) ran before t2 (withdraw)" ...
 */
export function explore(body: () => unknown, options: ExploreOptions = {}): Promise<ExploreReport> {
  const where = 'explore(body, options)';
  checkBody('explore(body)', 'body', body);
  checkOutsideTasks('explore');
  checkObject(where, 'options', options);
  checkKeys(where, 'options', options, EXPLORE_KEYS);
  const runs = checkInteger('explore', 'options.runs', options.runs ?? 1000, 1);
  const seed = checkInteger('explore', 'options.seed', options.seed ?? 0, -(2 ** 31));
  const policy = checkOneOf('explore', 'options.policy', options.policy ?? 'random', [
    'random',
    'pct',
  ] as const);
  const depth = checkInteger('explore', 'options.depth', options.depth ?? 3, 1);
  const maxSteps = checkMaxSteps('explore', options.maxSteps);
  const shrinkRuns = checkInteger('explore', 'options.shrinkRuns', options.shrinkRuns ?? 1000, 0);
  for (const flag of ['stopOnFailure', 'strict', 'shrink'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new TypeError(`explore: options.${flag} must be a boolean, got ${show(options[flag])}`);
    }
  }
  const settings: Settings = {
    runs,
    seed,
    policy,
    depth,
    maxSteps,
    shrinkRuns: options.shrink === false ? 0 : shrinkRuns,
    stopOnFailure: options.stopOnFailure ?? false,
  };
  return exploreRuns(body, settings).then((report) => {
    if (options.strict === true && report.failures.length > 0) throw new ExploreError(report);
    return report;
  });
}

interface Settings {
  runs: number;
  seed: number;
  policy: 'random' | 'pct';
  depth: number;
  maxSteps: number;
  shrinkRuns: number;
  stopOnFailure: boolean;
}

async function exploreRuns(body: () => unknown, settings: Settings): Promise<ExploreReport> {
  const failures: ExploreFailure[] = [];
  const seen = new Set<string>();
  // Run 0: FIFO, recorded, with its step count for PCT.
  const fifo = await runSchedule(body, {
    fn: 'explore',
    schedule: { policy: 'fifo', record: [] },
    maxSteps: settings.maxSteps,
    onLoop: () => {},
  });
  const pctSteps = Math.max(1, fifo.steps);
  let made = 1;
  if (!fifo.ok) {
    seen.add(failureKey(fifo.value));
    failures.push(
      await examine(body, fifo, { run: 0, seed: settings.seed, policy: 'fifo' }, settings),
    );
  }
  for (let run = 1; run < settings.runs; run++) {
    if (settings.stopOnFailure && failures.length > 0) break;
    const seed = settings.seed + run;
    const schedule: ScheduleOptions =
      settings.policy === 'pct'
        ? { policy: 'pct', seed, depth: settings.depth, steps: pctSteps, record: [] }
        : { policy: 'random', seed, record: [] };
    const outcome = await runSchedule(body, {
      fn: 'explore',
      schedule,
      maxSteps: settings.maxSteps,
    });
    made++;
    if (outcome.ok) continue;
    const key = failureKey(outcome.value);
    if (seen.has(key)) continue;
    seen.add(key);
    const origin: Origin =
      settings.policy === 'pct'
        ? { run, seed, policy: 'pct', depth: settings.depth, steps: pctSteps }
        : { run, seed, policy: 'random' };
    failures.push(await examine(body, outcome, origin, settings));
  }
  return { runs: made, failures };
}

type Origin = Pick<ExploreFailure, 'run' | 'seed' | 'policy' | 'depth' | 'steps'>;

/** Re-runs a new failure once, then shrinks and describes it if it came back. */
async function examine(
  body: () => unknown,
  failing: RunOutcome,
  origin: Origin,
  settings: Settings,
): Promise<ExploreFailure> {
  const originalTrace = [...failing.trace];
  const again = await replayTrace('explore', body, originalTrace, settings.maxSteps);
  if (again.ok || failureKey(again.value) !== failureKey(failing.value)) {
    const note = await diagnoseNondeterminism(body, originalTrace, settings.maxSteps, again);
    return {
      ...origin,
      error: failing.value,
      trace: originalTrace,
      originalTrace,
      nondeterministic: true,
      note,
      description: `not described: the failure did not reproduce on replay. ${note}`,
    };
  }
  const shrunk =
    settings.shrinkRuns > 0
      ? await shrinkFailure(body, failing, settings.shrinkRuns, settings.maxSteps)
      : { trace: originalTrace, error: failing.value };
  const description = await describeChoices(body, shrunk.trace, settings.maxSteps);
  return {
    ...origin,
    error: shrunk.error,
    trace: shrunk.trace,
    originalTrace,
    nondeterministic: false,
    description,
  };
}
