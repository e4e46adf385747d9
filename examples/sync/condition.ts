/**
 * A Condition: a buyer waits until the account holds enough, re-checking after every
 * deposit. `waitFor` releases the lock while it waits and holds it again when it returns.
 *
 * Run it: `node dist/examples/sync/condition.js`.
 */
import { Condition, now, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';

// example:start
export async function conditionExample(print = console.log): Promise<void> {
  await run(
    function* () {
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
    },
    { clock: 'virtual' },
  );
}
// example:end

if (isMain(import.meta.url)) await conditionExample();
