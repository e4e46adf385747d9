/**
 * The talk's hello world, written the plain synchronous way: print "Hello", sleep 3 s,
 * print "World!", ten times in a row. The sleep blocks the whole thread, so nothing else
 * can happen meanwhile and the program takes 10 × 3 s = 30 s. No simul here: this is the
 * program the other three styles improve on.
 *
 * Run it: `node dist/examples/hello/sync.js` (it really takes 30 seconds).
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export interface SyncHelloOptions {
  /** How many hello worlds, one after the other (default 10). */
  n?: number;
  /** How long each one sleeps between "Hello" and "World!", in ms (default 3000). */
  delayMs?: number;
  /**
   * 'real' (default) blocks the thread for real. 'virtual' only adds each sleep to a
   * counter, so a test can check the 30 s without waiting for them.
   */
  clock?: 'real' | 'virtual';
  /** Where the lines go (default: console.log). */
  print?: (line: string) => void;
}

/** A clock the program can read and sleep on. */
interface BlockingClock {
  now(): number;
  sleep(ms: number): void;
}

const realClock: BlockingClock = {
  now: () => performance.now(),
  // Node has no blocking sleep; waiting on a shared memory cell nobody will ever change is
  // the honest equivalent of Python's time.sleep: the thread stops, nothing else runs.
  sleep: (ms) => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms),
};

function virtualClock(): BlockingClock {
  let time = 0;
  return {
    now: () => time,
    sleep: (ms) => void (time += ms),
  };
}

/**
 * Says hello `n` times, sequentially. Returns the elapsed time in ms, on the clock it ran
 * under.
 *
 * @example
 * const ms = helloSync({ clock: 'virtual' }); // 30000, at once
 */
export function helloSync(options: SyncHelloOptions = {}): number {
  const { n = 10, delayMs = 3000, print = console.log } = options;
  const clock = options.clock === 'virtual' ? virtualClock() : realClock;
  const start = clock.now();
  for (let i = 0; i < n; i++) {
    print('Hello');
    clock.sleep(delayMs);
    print('World!');
  }
  return clock.now() - start;
}

// The program. (The check is only there because the tests and the lab import this file.)
if (isProgram()) {
  const ms = helloSync();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}

/** Whether node was started with this file (`node sync.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
