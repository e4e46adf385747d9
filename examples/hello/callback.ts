/**
 * The talk's hello world in the callback style, asyncio's `call_soon`/`call_later`: no
 * function ever waits. `hello` prints, asks the loop to call `world` in 3 s and returns;
 * the loop is free meanwhile, so ten of them take 3 s, not 30. The price is that the
 * program is cut into pieces at every wait, and its state (how many are left) lives
 * outside them.
 *
 * Run it: `node dist/examples/hello/callback.js` (3 seconds).
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { callLater, callSoon, Event, main, now } from 'simul';

/** What the hello world can be asked to do differently (the tests and the lab use these). */
export interface HelloOptions {
  /** How many hello worlds, all at once (default 10). */
  n?: number;
  /** How long each one sleeps between "Hello" and "World!", in ms (default 3000). */
  delayMs?: number;
  /** Where the lines go (default: console.log). */
  print?: (line: string) => void;
}

/**
 * Says hello `n` times with callbacks, from the body of a simul task (under `main` or
 * `run`). Resolves with the elapsed time in ms, on the loop's clock.
 *
 * @example
 * const ms = await run(() => helloCallback(), { clock: 'virtual' }); // 3000
 */
export async function helloCallback(options: HelloOptions = {}): Promise<number> {
  const { n = 10, delayMs = 3000, print = console.log } = options;
  // The loop ends with its root task, and callbacks are not tasks: the task waits on an
  // Event that the last callback sets, which keeps the loop running until then. (Waiting on
  // a plain promise the callbacks resolve would not do under the virtual clock: a raw await
  // is a wait on the outside world, and time stands still while one is in flight.)
  const start = now();
  const finished = new Event();
  let left = n;
  function hello(): void {
    print('Hello');
    callLater(delayMs, world);
  }
  function world(): void {
    print('World!');
    if (--left === 0) finished.set();
  }
  for (let i = 0; i < n; i++) callSoon(hello);
  if (n > 0) await finished.wait();
  return now() - start;
}

// The program. (The check is only there because the tests and the lab import this file.)
if (isProgram()) {
  await main(async () => {
    const ms = await helloCallback();
    console.log(`(${(ms / 1000).toFixed(1)} s)`);
  });
}

/** Whether node was started with this file (`node callback.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
