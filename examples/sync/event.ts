/**
 * An Event as a starting gun: workers wait until the configuration is loaded. A worker
 * that arrives after `set()` does not wait at all.
 *
 * Run it: `node dist/examples/sync/event.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Event, main, now, sleep, spawn } from 'simul';

// example:start
export async function eventExample(print = console.log): Promise<void> {
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
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => eventExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node event.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
