/**
 * Deterministic testing (issue 9): how many schedules explore runs per second on a 4-task,
 * 40-step program (target: at least 10,000 runs/s), beside the floor of a plain `run` of
 * the same program under the virtual clock. How many runs each policy needs to find each bug
 * of examples/bugs/ is measured by scripts/explore-bugs.js (the examples import 'simul' by
 * its name, which the bench's private copy of the build cannot resolve).
 */
import { all, explore, run, spawn, yieldNow } from '../src/index.js';
import { formatNs, measure, perOp, size, table, verdict } from './harness.js';

const STEPS_PER_TASK = 10;

/** Four tasks (two async, two generator) of ten steps each: 40 task steps. */
async function program(): Promise<void> {
  let shared = 0;
  const asyncTask = async (): Promise<void> => {
    for (let i = 0; i < STEPS_PER_TASK - 1; i++) {
      shared++;
      await yieldNow();
    }
  };
  const genTask = function* (): Generator<unknown, void, unknown> {
    for (let i = 0; i < STEPS_PER_TASK - 1; i++) {
      shared++;
      yield* yieldNow();
    }
  };
  await all([spawn(asyncTask), spawn(genTask), spawn(asyncTask), spawn(genTask)]);
  if (shared !== 4 * (STEPS_PER_TASK - 1)) throw new Error('lost a step');
}

const RUNS = size(2000, 300);
const TARGET_RUNS_PER_S = 10_000;

/**
 * Wall time and CPU time (user + system) per run, medians of five measurements. On this
 * shared 2-core machine other work steals the CPU: the CPU time says what a run costs, the
 * wall time what a user waits.
 */
async function perRun(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const cpuSamples: number[] = [];
  const sample = await measure(async () => {
    const before = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(before);
    cpuSamples.push((used.user + used.system) * 1000);
  });
  cpuSamples.sort((x, y) => x - y);
  return { wall: perOp(sample, RUNS), cpu: cpuSamples[cpuSamples.length >> 1] / RUNS };
}

const plain = await perRun(async () => {
  for (let i = 0; i < RUNS; i++) await run(program, { clock: 'virtual' });
});
const perPolicy: [string, { wall: number; cpu: number }][] = [];
for (const policy of ['random', 'pct'] as const) {
  perPolicy.push([
    policy,
    await perRun(async () => {
      const report = await explore(program, { runs: RUNS, policy });
      if (report.failures.length > 0) throw new Error('the program failed');
    }),
  ]);
}

const perSecond = (ns: number): string => `${Math.round(1e9 / ns).toLocaleString('en-US')}`;
const limit = 1e9 / TARGET_RUNS_PER_S;
const out: string[] = [
  '## Deterministic testing: exploring schedules',
  '',
  `### Throughput on a 4-task, 40-step program (${RUNS} runs per measurement)`,
  '',
  'Runs per second by wall time and by CPU time (user + system: what a run costs when the ' +
    'machine is not shared). Target: at least 10,000 runs per second.',
  '',
  table(
    [
      '',
      'wall time per run',
      'runs/s (wall)',
      'CPU time per run',
      'runs/s (CPU)',
      'x vs plain run (CPU)',
      'target (wall)',
      'target (CPU)',
    ],
    [
      [
        'plain `run` (FIFO, virtual clock): the floor',
        formatNs(plain.wall),
        perSecond(plain.wall),
        formatNs(plain.cpu),
        perSecond(plain.cpu),
        '1.00x',
        '',
        '',
      ],
      ...perPolicy.map(([policy, t]) => [
        `explore, ${policy}`,
        formatNs(t.wall),
        perSecond(t.wall),
        formatNs(t.cpu),
        perSecond(t.cpu),
        `${(t.cpu / plain.cpu).toFixed(2)}x`,
        verdict(t.wall, limit),
        verdict(t.cpu, limit),
      ]),
    ],
  ),
  '',
];

console.log(out.join('\n'));
