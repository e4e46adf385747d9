/**
 * A Semaphore as a concurrency limit: ten downloads, at most three at a time. Each takes
 * one second (of virtual time), so the ten take four seconds, never more than three at once.
 *
 * Run it: `node dist/examples/sync/semaphore.js`.
 */
import { Semaphore, all, now, run, sleep } from 'simul';
import { isMain } from '../is-main.js';

// example:start
export async function semaphoreExample(print = console.log): Promise<void> {
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
  await run(
    function* () {
      const results = yield* all(urls.map((url) => slots.withPermit(() => download(url))));
      print(`${results.length} downloads in ${now()} ms, at most ${most} at once`);
    },
    { clock: 'virtual' },
  );
}
// example:end

if (isMain(import.meta.url)) await semaphoreExample();
