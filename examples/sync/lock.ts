/**
 * A Lock around a read-modify-write that waits in the middle: two transfers out of one
 * account. Without the lock both read the balance before either writes it back, and the
 * bank loses money; with it, the second transfer waits for the first.
 *
 * Run it: `node dist/examples/sync/lock.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Lock, main, sleep, taskGroup } from 'simul';

// example:start
export async function lockExample(print = console.log): Promise<void> {
  for (const locked of [false, true]) {
    let balance = 100;
    const lock = new Lock({ name: 'account' });

    async function withdraw(amount: number): Promise<void> {
      const read = balance;
      await sleep(10); // a database round trip
      balance = read - amount;
    }

    await taskGroup(async (g) => {
      for (const amount of [30, 50]) {
        g.spawn(() => (locked ? lock.withLock(() => withdraw(amount)) : withdraw(amount)));
      }
    });
    print(`${locked ? 'with' : 'without'} the lock: balance ${balance}`);
  }
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => lockExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node lock.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
