/**
 * The talk's hello world with processes: each of the ten hellos is the blocking program of
 * sync.ts (print, block for 3 s, print) in a process of its own, a fork of Node. As with
 * threads, the operating system does the multitasking: ten processes take 3 s, plus the
 * time to start ten copies of Node, each with its own memory.
 *
 * A child prints by sending its lines to the parent over the IPC channel, and the parent
 * prints them in the order they arrive. Processes cannot sleep on simul's virtual clock:
 * this program always runs in real time.
 *
 * Run it: `node dist/examples/hello/process.js` (3 seconds).
 */
import { fork } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What the hello world can be asked to do differently (the tests and the lab use these). */
export interface HelloOptions {
  /** How many hello worlds, all at once (default 10). */
  n?: number;
  /** How long each one blocks between "Hello" and "World!", in ms (default 3000). */
  delayMs?: number;
  /** Where the lines go (default: console.log). */
  print?: (line: string) => void;
}

/** The blocking program of sync.ts, once: print, block the whole thread, print. */
function blockingHello(delayMs: number, print: (line: string) => void): void {
  print('Hello');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
  print('World!');
}

const ROLE = '--simul-hello-child';

/**
 * Says hello `n` times, each in a process of its own. Resolves with the elapsed time in ms
 * (always real time), once every process has exited.
 *
 * @example
 * const ms = await helloProcess({ n: 10, delayMs: 3000 }); // about 3000, plus start-up
 */
export function helloProcess(options: HelloOptions = {}): Promise<number> {
  const { n = 10, delayMs = 3000, print = console.log } = options;
  const start = performance.now();
  const file = fileURLToPath(import.meta.url);
  const children = Array.from(
    { length: n },
    () =>
      new Promise<void>((resolve, reject) => {
        const child = fork(file, [ROLE, String(delayMs)], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        child.on('message', (line: string) => print(line));
        child.on('error', reject);
        // 'close' comes after the exit and after the IPC channel has delivered every line.
        child.on('close', (code, signal) =>
          code === 0
            ? resolve()
            : reject(new Error(`a hello process exited with ${signal ?? `code ${code}`}`)),
        );
      }),
  );
  return Promise.all(children).then(() => performance.now() - start);
}

if (process.argv[2] === ROLE && process.send !== undefined) {
  // The lines are queued on the IPC channel while the program blocks; once they are all
  // sent, closing the channel lets the child exit.
  let unsent = 0;
  const sent = (): void => void (--unsent === 0 && process.disconnect());
  const send = (line: string): void => void (unsent++, process.send?.(line, sent));
  blockingHello(Number(process.argv[3]), send);
} else if (isProgram()) {
  const ms = await helloProcess();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}

/** Whether node was started with this file (`node process.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
