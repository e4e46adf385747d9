/**
 * A Lock around a read-modify-write that waits in the middle: two transfers out of one
 * account. Without the lock both read the balance before either writes it back, and the
 * bank loses money; with it, the second transfer waits for the first.
 *
 * Run it: `node dist/examples/sync/lock.js`.
 */
import { Lock, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';

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

    await run(
      async () => {
        for (const amount of [30, 50]) {
          spawn(() => (locked ? lock.withLock(() => withdraw(amount)) : withdraw(amount)));
        }
      },
      { clock: 'virtual' },
    );
    print(`${locked ? 'with' : 'without'} the lock: balance ${balance}`);
  }
}
// example:end

if (isMain(import.meta.url)) await lockExample();
