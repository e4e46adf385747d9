/**
 * An Event as a starting gun: workers wait until the configuration is loaded. A worker
 * that arrives after `set()` does not wait at all.
 *
 * Run it: `node dist/examples/sync/event.js`.
 */
import { Event, now, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';

// example:start
export async function eventExample(print = console.log): Promise<void> {
  await run(
    async () => {
      const loaded = new Event({ name: 'config loaded' });
      let config = '';
      for (const [name, arrives] of [
        ['early', 0],
        ['late', 200],
      ] as const) {
        spawn(async () => {
          await sleep(arrives);
          await loaded.wait();
          print(`t=${now()}: ${name} worker starts with ${config}`);
        });
      }
      await sleep(100);
      config = '{ "threads": 4 }';
      loaded.set();
    },
    { clock: 'virtual' },
  );
}
// example:end

if (isMain(import.meta.url)) await eventExample();
