/**
 * Two tasks take two locks in opposite orders and wait for each other forever. Under the
 * virtual clock simul notices that nothing can ever wake them and rejects with a
 * DeadlockError whose message names each lock and the task that holds it.
 *
 * Run it: `node dist/examples/sync/deadlock.js`.
 */
import { DeadlockError, Lock, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';

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

if (isMain(import.meta.url)) await deadlockExample();
