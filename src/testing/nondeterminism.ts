/**
 * Naming the cause of a failure that did not come back on replay. simul decides every choice
 * among its own tasks and timers, so a run that went differently under the same choices was
 * steered by something it does not control. The usual suspects can be watched: the body is
 * run once more with `Math.random` and `Date.now` counted (and put back afterwards) and with
 * the loop's foreign waits (raw awaits of outside promises, `until`, `fromCallback`) looked
 * at after every step. What was seen is named first; state that outlives a run (a variable
 * declared outside the body) cannot be watched, so it is always mentioned.
 */
import type { Instrument } from '../core/instrument.js';
import type { Loop } from '../core/loop.js';
import { formatError } from '../core/error-report.js';
import { runSchedule, type RunOutcome } from './run-schedule.js';

/** Re-runs `trace` with the culprits watched; returns a note for the report. */
export async function diagnoseNondeterminism(
  body: () => unknown,
  trace: readonly number[],
  maxSteps: number,
  again: RunOutcome,
): Promise<string> {
  let randomCalls = 0;
  let dateCalls = 0;
  let foreignSeen = false;
  let loop: Loop | null = null;
  const watchForeign = (): void => {
    if (loop !== null && loop.foreignWaits > 0) foreignSeen = true;
  };
  const watcher: Instrument = { stepEnded: watchForeign, beforeIdle: watchForeign };
  const random = Math.random;
  const dateNow = Date.now;
  Math.random = () => {
    randomCalls++;
    return random();
  };
  Date.now = () => {
    dateCalls++;
    return dateNow();
  };
  try {
    // Lenient replay: the point is to watch the run, not to check the trace again.
    await runSchedule(body, {
      fn: 'explore',
      schedule: { policy: 'fifo', replay: trace },
      maxSteps,
      instruments: [watcher],
      onLoop: (running) => {
        loop = running;
      },
    });
  } finally {
    Math.random = random;
    Date.now = dateNow;
  }
  const seen: string[] = [];
  if (foreignSeen) {
    seen.push(
      'a foreign promise (a raw await, until() or fromCallback() of something outside simul)',
    );
  }
  if (randomCalls > 0) seen.push(`Math.random (called ${times(randomCalls)} in one run)`);
  if (dateCalls > 0) seen.push(`Date.now (called ${times(dateCalls)} in one run; use now())`);
  const replayed = again.ok
    ? 'succeeded'
    : `failed differently (${formatError(again.value).split('\n')[0]})`;
  const culprits =
    seen.length > 0
      ? `Likely culprits, seen in a re-run: ${seen.join('; ')}. Or state kept between runs (a variable declared outside the body).`
      : 'No foreign promise, Math.random or Date.now was seen in a re-run: the likely culprit is state kept between runs (a variable declared outside the body, a module-level cache).';
  return `Nondeterminism outside simul's control: replaying the same schedule ${replayed}. ${culprits}`;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
