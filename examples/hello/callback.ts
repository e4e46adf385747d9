/**
 * The talk's hello world in the callback style, asyncio's `call_soon`/`call_later`: no
 * function ever waits. `hello` prints, asks the loop to call `world` in 3 s and returns;
 * the loop is free meanwhile, so ten of them take 3 s, not 30. The price is that the
 * program is cut into pieces at every wait, and its state (how many are left) lives
 * outside them.
 *
 * Run it: `node dist/examples/hello/callback.js` (3 seconds).
 */
import { callLater, callSoon, now, run } from 'simul';
import { isMain } from '../is-main.js';
import type { HelloOptions } from './options.js';

/**
 * Says hello `n` times with callbacks. Resolves with the elapsed time in ms, on the loop's
 * clock.
 *
 * @example
 * const ms = await helloCallback({ clock: 'virtual' }); // 3000
 */
export function helloCallback(options: HelloOptions = {}): Promise<number> {
  const { n = 10, delayMs = 3000, clock = 'real', print = console.log } = options;
  // run() ends with its root task, and callbacks are not tasks: the root returns a promise
  // that the last callback resolves, which keeps the loop running until then.
  return run(
    () =>
      new Promise<number>((done) => {
        const start = now();
        let left = n;
        function hello(): void {
          print('Hello');
          callLater(delayMs, world);
        }
        function world(): void {
          print('World!');
          if (--left === 0) done(now() - start);
        }
        for (let i = 0; i < n; i++) callSoon(hello);
        if (n === 0) done(0);
      }),
    { clock },
  );
}

/** True when this file is the program node was started with, not a module imported. */

if (isMain(import.meta.url)) {
  const ms = await helloCallback();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}
