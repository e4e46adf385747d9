/**
 * Two tasks take two locks in opposite orders and wait for each other forever. Under the
 * virtual clock simul notices that nothing can ever wake them and rejects with a
 * DeadlockError whose message names each lock and the task that holds it.
 *
 * Run it: `node dist/examples/sync/deadlock.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DeadlockError, Lock, run, sleep, spawn } from 'simul';

// example:start
export async function deadlockExample(print = console.log): Promise<void> {
  const accounts = new Lock({ name: 'accounts' });
  const audit = new Lock({ name: 'audit' });
  try {
    await run(
      async () => {
        spawn(
          async () => {
            await accounts.withLock(async () => {
              await sleep(1);
              await audit.withLock(() => 'transfer');
            });
          },
          { name: 'transfer' },
        );
        spawn(
          function* () {
            yield* audit.withLock(function* () {
              yield* sleep(1);
              yield* accounts.withLock(() => 'report');
            });
          },
          { name: 'report' },
        );
      },
      { clock: 'virtual' },
    );
  } catch (error) {
    if (!(error instanceof DeadlockError)) throw error;
    print(error.message);
  }
}
// example:end

// The program. It uses run() rather than main(): the point is to catch the DeadlockError
// that run() rejects with. (The check is only there because the tests import this file.)
if (isProgram()) await deadlockExample();

/** Whether node was started with this file (`node deadlock.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
