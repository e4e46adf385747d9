/**
 * Bug 3, a missed wake-up: a worker waits on an Event for jobs, handles what it finds, and
 * only then clears the event. A job posted (and the event set) while the worker is busy
 * handling the previous one is wiped out by that late clear: the worker waits for a signal
 * that already came, and the job is never handled. The fix is the other order: clear, then
 * look for jobs, then wait. (simul's Event cannot be cleared, for this very reason; the
 * asyncio-style `clear()` is written here as what replaces it, a new Event.) A plain run (FIFO) passes; `explore` finds the schedule,
 * which ends in a `DeadlockError` (the worker waits on the event, nobody will set it).
 *
 * Run it: `node dist/examples/bugs/missed-wakeup.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Event, explore, spawn, yieldNow } from 'simul';

// example:start
const JOBS = 2;

export async function missedWakeupAsync(): Promise<void> {
  const jobs: number[] = [];
  let posted = new Event();
  let handled = 0;
  spawn(
    async () => {
      while (handled < JOBS) {
        await posted.wait();
        while (jobs.length > 0) {
          jobs.shift();
          await yieldNow(); // handle the job
          handled++;
        }
        await yieldNow(); // report progress
        posted = new Event(); // "clear()". BUG: too late, a job posted meanwhile is forgotten
      }
    },
    { name: 'worker' },
  );
  spawn(
    async () => {
      for (let job = 0; job < JOBS; job++) {
        await yieldNow(); // prepare the job
        await yieldNow();
        await yieldNow();
        jobs.push(job);
        posted.set();
      }
    },
    { name: 'poster' },
  );
}

export function* missedWakeupGenerator(): Generator<unknown, void, unknown> {
  const jobs: number[] = [];
  let posted = new Event();
  let handled = 0;
  spawn(
    function* () {
      while (handled < JOBS) {
        yield* posted.wait();
        while (jobs.length > 0) {
          jobs.shift();
          yield* yieldNow();
          handled++;
        }
        yield* yieldNow();
        posted = new Event();
      }
    },
    { name: 'worker' },
  );
  spawn(
    function* () {
      for (let job = 0; job < JOBS; job++) {
        yield* yieldNow();
        yield* yieldNow();
        yield* yieldNow();
        jobs.push(job);
        posted.set();
      }
    },
    { name: 'poster' },
  );
}
// example:end

// The program: explore both styles and print what was found (the tests import this file).
if (isProgram()) {
  for (const [style, body] of [
    ['async functions', missedWakeupAsync],
    ['generators', missedWakeupGenerator],
  ] as const) {
    const report = await explore(body, { policy: 'pct', runs: 200, stopOnFailure: true });
    const failure = report.failures[0];
    console.log(`${style}: ${failure ? `found in ${report.runs} runs` : 'not found'}`);
    if (failure) console.log(failure.description);
  }
}

/** Whether node was started with this file rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
