/**
 * A Condition: a buyer waits until the account holds enough, re-checking after every
 * deposit. `waitFor` releases the lock while it waits and holds it again when it returns.
 *
 * Run it: `node dist/examples/sync/condition.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Condition, main, now, sleep, spawn } from 'simul';

// example:start
export function* conditionExample(print = console.log) {
  const changed = new Condition();
  let balance = 0;

  spawn(function* buyer() {
    yield* changed.withLock(function* () {
      yield* changed.waitFor(() => balance >= 100);
      balance -= 100;
      print(`t=${now()}: bought, balance ${balance}`);
    });
  });

  for (const amount of [40, 40, 40]) {
    yield* sleep(10);
    yield* changed.withLock(() => {
      balance += amount;
      print(`t=${now()}: deposited ${amount}, balance ${balance}`);
      changed.notifyAll();
    });
  }
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => conditionExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node condition.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
