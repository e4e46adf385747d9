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
import { isMain } from '../is-main.js';
import type { HelloOptions } from './options.js';
import { helloSync } from './sync.js';

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
  helloSync({ n: 1, delayMs: data.delayMs, print: (line) => parentPort?.postMessage(line) });
}

if (isMain(import.meta.url)) {
  const ms = await helloThread();
  console.log(`(${(ms / 1000).toFixed(1)} s)`);
}
