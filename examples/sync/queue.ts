/**
 * A Queue between a fast producer and two slow workers. `maxsize: 2` is backpressure: the
 * producer waits while two jobs are queued. A worker that gives up waiting (`moveOnAfter`)
 * loses no job, and closing the queue lets the workers drain it, then stop.
 *
 * Run it: `node dist/examples/sync/queue.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Queue, main, moveOnAfter, now, sleep, spawn } from 'simul';

// example:start
export async function queueExample(print = console.log): Promise<void> {
  const jobs = new Queue<string>({ maxsize: 2, name: 'jobs' });

  const impatient = await moveOnAfter(5, () => jobs.get());
  print(`t=${now()}: nothing came within 5 ms: ${impatient}`);

  for (const worker of ['w1', 'w2']) {
    spawn(async () => {
      for await (const job of jobs) {
        await sleep(100);
        print(`t=${now()}: ${worker} did ${job}`);
      }
    });
  }
  for (let i = 1; i <= 5; i++) {
    await jobs.put(`job ${i}`); // waits while 2 are queued
    print(`t=${now()}: queued job ${i}`);
  }
  jobs.close();
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => queueExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node queue.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
