/**
 * A Semaphore as a concurrency limit: ten downloads, at most three at a time. Each takes
 * one second (of virtual time), so the ten take four seconds, never more than three at once.
 *
 * Run it: `node dist/examples/sync/semaphore.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Semaphore, all, main, now, sleep } from 'simul';

// example:start
export function* semaphoreExample(print = console.log) {
  const slots = new Semaphore(3, { name: 'downloads' });
  let running = 0;
  let most = 0;

  function* download(url: string) {
    running++;
    most = Math.max(most, running);
    yield* sleep(1000);
    running--;
    return `${url}: ok`;
  }

  const urls = Array.from({ length: 10 }, (_, i) => `/file/${i}`);
  const results = yield* all(urls.map((url) => slots.withPermit(() => download(url))));
  print(`${results.length} downloads in ${now()} ms, at most ${most} at once`);
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => semaphoreExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node semaphore.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
