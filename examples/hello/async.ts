/**
 * The talk's hello world with async functions, Python's `async def` and `await`: `await
 * sleep(3000)` suspends the task and hands control back to the loop, which runs the other
 * tasks and resumes this one 3 s later. Ten tasks take 3 s, not 30.
 *
 * Run it: `node dist/examples/hello/async.js` (3 seconds).
 */
import { all, now, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';
import type { HelloOptions } from './options.js';

/**
 * Says hello `n` times with async tasks. Resolves with the elapsed time in ms, on the
 * loop's clock.
 *
 * @example
 * const ms = await helloAsync({ clock: 'virtual' }); // 3000
 */
export function helloAsync(options: HelloOptions = {}): Promise<number> {
  const { n = 10, delayMs = 3000, clock = 'real', print = console.log } = options;

  async function hello(): Promise<void> {
    print('Hello');
    await sleep(delayMs);
    print('World!');
  }

  return run(
    async () => {
      const start = now();
      const tasks = [];
      for (let i = 0; i < n; i++) tasks.push(spawn(hello));
      await all(tasks);
      return now() - start;
    },
    { clock },
  );
}

/** True when this file is the program node was started with, not a module imported. */

if (isMain(import.meta.url)) {
  const ms = await helloAsync();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}
