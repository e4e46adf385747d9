/**
 * Shrinking a failing schedule: the fewest choices that differ from FIFO and still fail the
 * same way (the same error class and first line of message, see failureKey).
 *
 * A trace is a stream, not a set: turning one choice back to 0 changes the program's path,
 * and what the later choices choose among. So a candidate is not replayed exactly: it is
 * replayed leniently (its choices first, clamped to what is there, then FIFO), and when it
 * still fails, the choices that run really made, recorded, become the new trace. The
 * result is therefore always a trace that replays exactly.
 *
 * The search is delta debugging (Zeller's ddmin) over the non-default choices: turn halves
 * of them back to FIFO, then quarters, down to single choices; then lower each remaining
 * choice towards 1 (the next-oldest step, the easiest to read). Every step that keeps the
 * failure is kept, so the result is 1-minimal when the budget allows: no single remaining
 * choice can be reset and still fail the same way.
 */
import { checkBody } from '../core/body.js';
import { checkInteger, checkKeys, checkObject, optionKeys } from '../core/validate.js';
import { checkMaxSteps, checkTrace, replayTrace } from './replay.js';
import {
  failureKey,
  nonDefaultChoices,
  runSchedule,
  type RunOutcome,
  checkOutsideTasks,
} from './run-schedule.js';

export interface ShrinkOptions {
  /** Most runs the search may take (default 1,000). */
  maxRuns?: number;
  /** Step budget of each run (default 100,000). */
  maxSteps?: number;
}

export interface ShrinkResult {
  /** The shrunk trace, which replays exactly. */
  trace: number[];
  /** The error it fails with. */
  error: unknown;
  /** How many runs the search took. */
  runs: number;
}

const SHRINK_KEYS = optionKeys<ShrinkOptions>({ maxRuns: true, maxSteps: true });

/**
 * Shrinks the failing `trace` of `body` to the fewest non-FIFO choices that still fail the
 * same way. Rejects if `trace` does not fail.
 *
 * @example
 * const { trace } = await shrink(transfer, report.failures[0].trace);
 * console.log(await describeTrace(transfer, trace)); // after step 3: t3 (bob) ran before t2 (alice)
 */
export function shrink(
  body: () => unknown,
  trace: readonly number[],
  options: ShrinkOptions = {},
): Promise<ShrinkResult> {
  checkBody('shrink(body, trace)', 'body', body);
  checkOutsideTasks('shrink');
  const choices = checkTrace('shrink(body, trace)', 'trace', trace);
  checkObject('shrink(body, trace, options)', 'options', options);
  checkKeys('shrink(body, trace, options)', 'options', options, SHRINK_KEYS);
  const maxRuns = checkInteger('shrink', 'options.maxRuns', options.maxRuns ?? 1000, 0);
  const maxSteps = checkMaxSteps('shrink', options.maxSteps);
  return (async () => {
    const first = await replayTrace('shrink', body, choices, maxSteps);
    if (first.ok)
      throw new TypeError('shrink(body, trace): trace does not fail: nothing to shrink');
    const result = await shrinkFailure(body, first, maxRuns, maxSteps);
    return { ...result, runs: result.runs + 1 };
  })();
}

/** Shrinks a failing run of `body` (`failing.trace` fails with `failing.value`). */
export async function shrinkFailure(
  body: () => unknown,
  failing: RunOutcome,
  maxRuns: number,
  maxSteps: number,
): Promise<ShrinkResult> {
  const key = failureKey(failing.value);
  let best = failing;
  let runs = 0;

  /** Runs `candidate` leniently; keeps it if it fails the same way with fewer or smaller choices. */
  const attempt = async (candidate: number[]): Promise<boolean> => {
    if (runs >= maxRuns) return false;
    runs++;
    const outcome = await runSchedule(body, {
      fn: 'shrink',
      schedule: { policy: 'fifo', replay: candidate },
      maxSteps,
    });
    if (outcome.ok || failureKey(outcome.value) !== key || !smaller(outcome.trace, best.trace)) {
      return false;
    }
    best = outcome;
    return true;
  };

  let changed = true;
  while (changed && runs < maxRuns) {
    changed = false;
    // ddmin: reset chunks of the non-default choices, from halves down to single ones.
    let chunk = Math.ceil(nonDefaultChoices(best.trace) / 2);
    while (chunk >= 1 && runs < maxRuns) {
      const positions = nonDefaultPositions(best.trace);
      let reduced = false;
      for (let start = 0; start < positions.length && !reduced; start += chunk) {
        const candidate = [...best.trace];
        for (const at of positions.slice(start, start + chunk)) candidate[at] = 0;
        reduced = await attempt(candidate);
      }
      if (reduced) changed = true;
      else chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2);
    }
    // Lower what is left towards 1: "the next-oldest ran first" is the easiest to read.
    for (const at of nonDefaultPositions(best.trace)) {
      if (best.trace[at] > 1) {
        const candidate = [...best.trace];
        candidate[at] = 1;
        if (await attempt(candidate)) changed = true;
      }
    }
  }
  return { trace: best.trace, error: best.value, runs };
}

/** Fewer non-default choices, or as many with a smaller sum (progress, so the search ends). */
function smaller(a: readonly number[], b: readonly number[]): boolean {
  const na = nonDefaultChoices(a);
  const nb = nonDefaultChoices(b);
  if (na !== nb) return na < nb;
  return sum(a) < sum(b);
}

function sum(trace: readonly number[]): number {
  let total = 0;
  for (const choice of trace) total += choice;
  return total;
}

function nonDefaultPositions(trace: readonly number[]): number[] {
  const positions: number[] = [];
  trace.forEach((choice, i) => {
    if (choice !== 0) positions.push(i);
  });
  return positions;
}
