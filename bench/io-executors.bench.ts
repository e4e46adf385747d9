/**
 * Executor overhead per tiny job (issue 7): `toThread` against the pool library it uses
 * (piscina) driven directly, and tinypool for the record (the measurement behind choosing
 * piscina); `toProcess` against a bare child_process.fork round trip. Each contender runs
 * `jobs` no-op jobs, `inFlight` at a time, on a pool of the machine's cores; the median of
 * several runs is kept. Target: toThread <= 1.2x piscina directly.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { Tinypool } from 'tinypool';
import {
  EXECUTOR_SIZE,
  run,
  taskGroup,
  toProcess,
  toThread,
  type Operation,
} from '../src/index.js';
import { formatNs, measure, quick, ratio, size, table, verdict } from './harness.js';

const NOOP = new URL('./io-noop-job.js', import.meta.url);
const jobs = size(20_000, 2_000);
const processJobs = size(5_000, 500);
const inFlight = 64;

/** `inFlight` loops, each running its share of `n` jobs one after another. */
async function loops(n: number, job: () => Promise<unknown>): Promise<void> {
  await Promise.all(
    Array.from({ length: inFlight }, async (_, i) => {
      for (let j = i; j < n; j += inFlight) await job();
    }),
  );
}

async function simulLoops(n: number, job: () => Operation<unknown>): Promise<void> {
  await run(async () =>
    taskGroup(async (g) => {
      for (let i = 0; i < inFlight; i++) {
        g.spawn(async () => {
          for (let j = i; j < n; j += inFlight) await job();
        });
      }
    }),
  );
}

const opts = { warmup: quick ? 1 : 2, repeat: quick ? 3 : 7 };
const results: { name: string; ns: number }[] = [];

const piscina = new Piscina({
  filename: NOOP.href,
  minThreads: EXECUTOR_SIZE,
  maxThreads: EXECUTOR_SIZE,
  maxQueue: Infinity,
});
const tinypool = new Tinypool({
  filename: NOOP.href,
  minThreads: EXECUTOR_SIZE,
  maxThreads: EXECUTOR_SIZE,
});
const noopJob = { module: NOOP, export: 'default' };

// simul's pools shut down with the last run that used them. A run kept open for the whole
// bench keeps them up, as a long-lived program's one run does, so that each measured run
// pays for its jobs and not for starting the workers.
let stopKeeping = (): void => {};
let warmed = (): void => {};
const warm = new Promise<void>((resolve) => (warmed = resolve));
const keeper = run(async () => {
  await toThread(noopJob, 1);
  await toProcess(noopJob, 1);
  warmed();
  await new Promise<void>((resolve) => (stopKeeping = resolve));
});
await warm;

// Interleaved, so that a busy spell of the shared machine hits every contender alike.
const samples: Record<string, number[]> = { piscina: [], tinypool: [], toThread: [] };
for (let r = 0; r < 3; r++) {
  process.stderr.write(`io-executors: threads, round ${r + 1}\n`);
  samples.piscina.push((await measure(() => loops(jobs, () => piscina.run(1)), opts)).median);
  samples.tinypool.push((await measure(() => loops(jobs, () => tinypool.run(1)), opts)).median);
  samples.toThread.push(
    (await measure(() => simulLoops(jobs, () => toThread(noopJob, 1)), opts)).median,
  );
}
await piscina.destroy();
await tinypool.destroy();
for (const name of ['piscina', 'tinypool', 'toThread']) {
  results.push({ name, ns: Math.min(...samples[name]) / jobs });
}

// Processes: a bare fork round trip (one child per core, IPC 'advanced'), against toProcess.
process.stderr.write('io-executors: processes\n');
const echoScript = fileURLToPath(new URL('./io-ipc-echo.js', import.meta.url));
const children = Array.from({ length: EXECUTOR_SIZE }, () =>
  fork(echoScript, [], { serialization: 'advanced', stdio: 'inherit' }),
);
let next = 0;
const waiting = new Map<number, () => void>();
for (const child of children) child.on('message', (id: number) => waiting.get(id)?.());
const bare = (): Promise<void> =>
  new Promise((resolve) => {
    const id = next++;
    waiting.set(id, () => {
      waiting.delete(id);
      resolve();
    });
    children[id % children.length].send(id);
  });
const bareNs = (await measure(() => loops(processJobs, bare), opts)).median / processJobs;
for (const child of children) child.kill();
const toProcessNs =
  (await measure(() => simulLoops(processJobs, () => toProcess(noopJob, 1)), opts)).median /
  processJobs;
stopKeeping();
await keeper;

const byName = Object.fromEntries(results.map((r) => [r.name, r.ns]));
console.log(
  [
    '## I/O: executor overhead per no-op job',
    '',
    `${jobs.toLocaleString('en')} no-op jobs (processes: ${processJobs.toLocaleString('en')}), ` +
      `${inFlight} in flight, pools of ${EXECUTOR_SIZE} workers; time per job, best of 3 ` +
      'interleaved medians. Target: toThread <= 1.2x piscina used directly.',
    '',
    table(
      ['', 'per job', 'x vs piscina', 'target'],
      [
        ['piscina 5, directly', formatNs(byName.piscina), '1.00x', ''],
        [
          'tinypool 2, directly',
          formatNs(byName.tinypool),
          ratio(byName.tinypool, byName.piscina),
          '',
        ],
        [
          'simul toThread (piscina)',
          formatNs(byName.toThread),
          ratio(byName.toThread, byName.piscina),
          verdict(byName.toThread / byName.piscina, 1.2),
        ],
      ],
    ),
    '',
    table(
      ['', 'per job', 'x vs bare fork IPC'],
      [
        ['bare child_process.fork round trip', formatNs(bareNs), '1.00x'],
        ['simul toProcess', formatNs(toProcessNs), ratio(toProcessNs, bareNs)],
      ],
    ),
  ].join('\n'),
);
