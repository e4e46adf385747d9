/**
 * The talk's hello world with generator tasks, like Python's `@coroutine` and
 * `yield from`: `yield* sleep(3000)` suspends the task and hands control back to the loop,
 * which runs the other tasks and resumes this one 3 s later. Ten tasks take 3 s, not 30,
 * and each one still reads top to bottom.
 *
 * Run it: `node dist/examples/hello/generator.js` (3 seconds).
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { all, main, now, sleep, spawn } from 'simul';

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
 * Says hello `n` times with generator tasks, as the body of a simul task (under `main` or
 * `run`). Returns the elapsed time in ms, on the loop's clock.
 *
 * @example
 * const ms = await run(() => helloGenerator(), { clock: 'virtual' }); // 3000
 */
export function* helloGenerator(options: HelloOptions = {}): Generator<unknown, number> {
  const { n = 10, delayMs = 3000, print = console.log } = options;

  function* hello() {
    print('Hello');
    yield* sleep(delayMs);
    print('World!');
  }

  const start = now();
  const tasks = [];
  for (let i = 0; i < n; i++) tasks.push(spawn(hello));
  yield* all(tasks);
  return now() - start;
}

// The program. (The check is only there because the tests and the lab import this file.)
if (isProgram()) {
  await main(function* () {
    const ms = yield* helloGenerator();
    console.log(`(${(ms / 1000).toFixed(1)} s)`);
  });
}

/** Whether node was started with this file (`node generator.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
