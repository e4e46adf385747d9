/**
 * A Queue between a fast producer and two slow workers. `maxsize: 2` is backpressure: the
 * producer waits while two jobs are queued. A worker that gives up waiting (`moveOnAfter`)
 * loses no job, and closing the queue lets the workers drain it, then stop.
 *
 * Run it: `node dist/examples/sync/queue.js`.
 */
import { Queue, moveOnAfter, now, run, sleep, spawn } from 'simul';
import { isMain } from '../is-main.js';

// example:start
export async function queueExample(print = console.log): Promise<void> {
  await run(
    async () => {
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
    },
    { clock: 'virtual' },
  );
}
// example:end

if (isMain(import.meta.url)) await queueExample();
