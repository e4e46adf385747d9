/**
 * A Barrier between the phases of a computation: nobody starts phase 2 before everyone has
 * finished phase 1, however long each one takes.
 *
 * Run it: `node dist/examples/sync/barrier.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Barrier, main, now, sleep, spawn } from 'simul';

// example:start
export async function barrierExample(print = console.log): Promise<void> {
  const barrier = new Barrier(3);
  for (const [name, ms] of [
    ['a', 30],
    ['b', 10],
    ['c', 20],
  ] as const) {
    spawn(async () => {
      for (const phase of [1, 2]) {
        await sleep(ms);
        print(`t=${now()}: ${name} finished phase ${phase}`);
        await barrier.wait();
      }
    });
  }
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => barrierExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node barrier.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
