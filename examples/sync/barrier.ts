/**
 * A Barrier between the phases of a computation: nobody starts phase 2 before everyone has
 * finished phase 1, however long each one takes.
 *
 * Run it: `node dist/examples/sync/barrier.js`.
 */
import { Barrier, now, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';

// example:start
export async function barrierExample(print = console.log): Promise<void> {
  await run(
    async () => {
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
    },
    { clock: 'virtual' },
  );
}
// example:end

if (isMain(import.meta.url)) await barrierExample();
