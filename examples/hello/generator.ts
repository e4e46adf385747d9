/**
 * The talk's hello world with generator tasks, like Python's `@coroutine` and
 * `yield from`: `yield* sleep(3000)` suspends the task and hands control back to the loop,
 * which runs the other tasks and resumes this one 3 s later. Ten tasks take 3 s, not 30,
 * and each one still reads top to bottom.
 *
 * Run it: `node dist/examples/hello/generator.js` (3 seconds).
 */
import { all, now, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';
import type { HelloOptions } from './options.js';

/**
 * Says hello `n` times with generator tasks. Resolves with the elapsed time in ms, on the
 * loop's clock.
 *
 * @example
 * const ms = await helloGenerator({ clock: 'virtual' }); // 3000
 */
export function helloGenerator(options: HelloOptions = {}): Promise<number> {
  const { n = 10, delayMs = 3000, clock = 'real', print = console.log } = options;

  function* hello() {
    print('Hello');
    yield* sleep(delayMs);
    print('World!');
  }

  return run(
    function* () {
      const start = now();
      const tasks = [];
      for (let i = 0; i < n; i++) tasks.push(spawn(hello));
      yield* all(tasks);
      return now() - start;
    },
    { clock },
  );
}

/** True when this file is the program node was started with, not a module imported. */

if (isMain(import.meta.url)) {
  const ms = await helloGenerator();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}
