/**
 * An Event as a starting gun: workers wait until the configuration is loaded. A worker
 * that arrives after `set()` does not wait at all.
 *
 * Run it: `node dist/examples/sync/event.js`.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Event, now, run, sleep, spawn } from 'simul';

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

function isMain(): boolean {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? '')).href;
  } catch {
    return false;
  }
}

if (isMain()) await eventExample();
