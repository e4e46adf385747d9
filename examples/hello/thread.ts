/**
 * The talk's hello world with threads: each of the ten hellos is the blocking program of
 * sync.ts (print, block the thread for 3 s, print) in an OS thread of its own, a Node worker
 * thread. Nothing in the program suspends or resumes: every thread blocks, and the operating
 * system runs the others meanwhile, so ten of them take 3 s (plus the threads' start), not 30.
 * Node has no global interpreter lock: the threads could also compute on every core at once.
 *
 * A worker thread prints by posting its lines to the main thread, which prints them in the
 * order they arrive. Threads cannot sleep on simul's virtual clock: this program always
 * runs in real time.
 *
 * Run it: `node dist/examples/hello/thread.js` (3 seconds).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

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

const ROLE = 'simul-hello-thread';

/**
 * Says hello `n` times, each in a thread of its own. Resolves with the elapsed time in ms
 * (always real time), once every thread has exited.
 *
 * @example
 * const ms = await helloThread({ n: 10, delayMs: 3000 }); // about 3000
 */
export function helloThread(options: HelloOptions = {}): Promise<number> {
  const { n = 10, delayMs = 3000, print = console.log } = options;
  const start = performance.now();
  const threads = Array.from(
    { length: n },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), {
          workerData: { role: ROLE, delayMs },
        });
        worker.on('message', (line: string) => print(line));
        worker.on('error', reject);
        worker.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`a hello thread exited with code ${code}`)),
        );
      }),
  );
  return Promise.all(threads).then(() => performance.now() - start);
}

const data = workerData as { role?: string; delayMs: number } | null;
if (!isMainThread && data?.role === ROLE) {
  blockingHello(data.delayMs, (line) => parentPort?.postMessage(line));
}

if (isProgram()) {
  const ms = await helloThread();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}

/** Whether node was started with this file (`node thread.js`) rather than importing it. */
function isProgram(): boolean {
  // In a worker thread, argv[1] is still the program's file: a worker is never the program.
  if (!isMainThread) return false;
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
