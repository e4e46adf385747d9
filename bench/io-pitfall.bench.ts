/**
 * The talk's pitfall, measured (issue 7): a task runs a 500 ms CPU-bound step while another
 * waits on a 10 ms timer. How late does the timer fire? Plainly (the step blocks the loop),
 * with the step cut into 5 ms slices separated by `yieldNow()` (the cooperative answer), and
 * with the step sent to `toThread` or `toProcess` (the executor answer). Median of 5 runs.
 */
import { median, quick, table } from './harness.js';
import { run, sleep, spawn, toProcess, toThread, yieldNow } from '../src/index.js';
import { burn } from './io-pitfall-job.js';

const STEP_MS = quick ? 200 : 500;
const TIMER_MS = 10;
const SLICE_MS = 5;
const job = { module: new URL('./io-pitfall-job.js', import.meta.url), export: 'burn' };

async function lateness(step: () => Promise<void>): Promise<number> {
  return run(async () => {
    // Executors start their workers on first use: warm them up outside the measurement.
    let late = NaN;
    const timer = spawn(async () => {
      const t0 = performance.now();
      await sleep(TIMER_MS);
      late = performance.now() - t0 - TIMER_MS;
    });
    await yieldNow(); // the timer is armed before the step starts
    await step();
    await timer;
    return late;
  });
}

const ways: [string, () => Promise<void>][] = [
  ['plain: the step runs in the loop', async () => void burn(STEP_MS)],
  [
    `yieldNow() every ${SLICE_MS} ms`,
    async () => {
      const end = performance.now() + STEP_MS;
      while (performance.now() < end) {
        burn(SLICE_MS);
        await yieldNow();
      }
    },
  ],
  ['toThread(step)', async () => void (await toThread(job, STEP_MS))],
  ['toProcess(step)', async () => void (await toProcess(job, STEP_MS))],
];

// simul's pools shut down with the last run that used them: a run kept open for the whole
// bench keeps the workers up (started outside the measurement), as a long-lived program's does.
let stopKeeping = (): void => {};
let warmed = (): void => {};
const warm = new Promise<void>((resolve) => (warmed = resolve));
const keeper = run(async () => {
  await toThread(job, 1);
  await toProcess(job, 1);
  warmed();
  await new Promise<void>((resolve) => (stopKeeping = resolve));
});
await warm;
const rows: string[][] = [];
for (const [name, step] of ways) {
  process.stderr.write(`io-pitfall: ${name}\n`);
  const samples: number[] = [];
  for (let i = 0; i < (quick ? 3 : 5); i++) samples.push(await lateness(step));
  rows.push([name, `${median(samples).toFixed(1)} ms`]);
}
stopKeeping();
await keeper;

console.log(
  [
    '## I/O: the pitfall, a CPU-bound step beside a timer',
    '',
    `A ${STEP_MS} ms CPU-bound step while another task waits on a ${TIMER_MS} ms timer: how late ` +
      'the timer fires (median of the runs).',
    '',
    table(['the step runs', 'timer late by'], rows),
  ].join('\n'),
);
