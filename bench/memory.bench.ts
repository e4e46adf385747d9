/**
 * Many sleeping tasks: the talk's "async scales to tens of thousands", measured. Wall time
 * and peak RSS of 100,000 tasks sleeping 10 ms, heap bytes per sleeping task at 1 M tasks,
 * and a run of 10 M concurrent sleeping generator tasks that must complete. Every number
 * comes from a fresh process (bench/worker.ts) that loads one contender's library only (and
 * `inChild` checks it), so that peak RSS belongs to one contender.
 */
import {
  formatBytes,
  formatMs,
  inChild,
  median,
  quick,
  ratio,
  size,
  table,
  verdict,
} from './harness.js';
import { LABELS, libraryOf, type ContenderName } from './contenders/labels.js';
import type { ParkedResult, SleepersResult, TenMillionResult } from './worker.js';

const WORKER = new URL('./worker.js', import.meta.url);
const CONTENDERS: ContenderName[] = ['simul-gen', 'simul-async', 'plain', 'effect', 'effection'];
const BIG_HEAP = '--max-old-space-size=16384';

function progress(text: string): void {
  process.stderr.write(`memory: ${text}\n`);
}

// --- 100,000 tasks sleeping 10 ms --------------------------------------------------------

const SLEEPERS = size(100_000, 10_000);
const SLEEP_MS = 10;
// Five fresh processes each (the machine is shared, and one process's wall time varies by
// a third); Effection, ten times off and ~12 s a run, gets one.
const REPEATS = quick ? 1 : 5;
const repeats = (name: ContenderName): number => (name === 'effection' ? 1 : REPEATS);

const sleepers = CONTENDERS.map((name) => {
  const runs: SleepersResult[] = [];
  for (let i = 0; i < repeats(name); i++) {
    progress(`sleepers ${name} n=${SLEEPERS} (${i + 1}/${repeats(name)})`);
    runs.push(
      inChild<SleepersResult>(WORKER, ['sleepers', name, String(SLEEPERS), String(SLEEP_MS)], {
        nodeFlags: [BIG_HEAP],
        library: libraryOf(name),
      }),
    );
  }
  return {
    name,
    wallMs: median(runs.map((r) => r.wallMs)),
    peakRss: median(runs.map((r) => r.peakRss)),
    walls: runs.map((r) => r.wallMs),
  };
});

// --- bytes per sleeping task at 1 M ------------------------------------------------------

const PARKED = size(1_000_000, 100_000);
// Effection needs ~17 KB a sleeping task: 1 M would take ~17 GB, so it is measured at 100 k.
const PARKED_EFFECTION = size(100_000, 20_000);

const parked = CONTENDERS.map((name) => {
  const n = name === 'effection' ? PARKED_EFFECTION : PARKED;
  progress(`parked ${name} n=${n}`);
  return {
    name,
    ...inChild<ParkedResult>(WORKER, ['parked', name, String(n)], {
      nodeFlags: ['--expose-gc', BIG_HEAP],
      library: libraryOf(name),
    }),
  };
});

// --- 10 M generator tasks ------------------------------------------------------------------

const HUGE = size(10_000_000, 200_000);
progress(`tenMillion simul-gen n=${HUGE}`);
let huge: TenMillionResult | null = null;
let hugeError = '';
try {
  huge = inChild<TenMillionResult>(WORKER, ['tenMillion', 'simul-gen', String(HUGE)], {
    nodeFlags: ['--expose-gc', '--max-old-space-size=20480'],
    library: 'simul',
  });
} catch (error) {
  hugeError = String(error).split('\n').slice(0, 12).join('\n');
}

// --- report --------------------------------------------------------------------------------

function value<T extends { name: ContenderName }>(
  rows: T[],
  name: ContenderName,
  key: keyof T,
): number {
  return Number(rows.find((r) => r.name === name)?.[key] ?? NaN);
}

const out: string[] = [];
out.push('## Memory: many sleeping tasks');
out.push('');
out.push(
  'Each number comes from a fresh process that loads that contender only (checked, as in the ' +
    'core section). simul tasks are spawned into the run and the run ' +
    'ends when they have; async/await keeps the promises for `Promise.all`; Effect forks ' +
    'child fibers and joins them (`Fiber.joinAll`); Effection spawns tasks and joins each. ' +
    "simul's sleeping tasks share one timer heap and one host timer; async/await, Effect and " +
    'Effection use one `setTimeout` per sleeping task.',
);
out.push('');
out.push(`### ${SLEEPERS.toLocaleString('en')} tasks each sleeping ${SLEEP_MS} ms`);
out.push('');
out.push(
  `Wall time from the call of the entry point to its end, and the process's peak RSS ` +
    `(\`ru_maxrss\`, Node itself included); the median of ${REPEATS} fresh ` +
    `process${REPEATS > 1 ? 'es' : ''} (Effection: 1; every run's wall time is in the last column).`,
);
out.push('');
const gen = sleepers.find((r) => r.name === 'simul-gen');
const asy = sleepers.find((r) => r.name === 'simul-async');
out.push(
  table(
    [
      '',
      'wall',
      'x vs simul (generators)',
      'x vs simul (async)',
      'peak RSS',
      'x vs simul (generators)',
      'x vs simul (async)',
      'runs (wall)',
    ],
    sleepers.map((r) => [
      LABELS[r.name],
      formatMs(r.wallMs),
      ratio(r.wallMs, gen?.wallMs ?? NaN),
      ratio(r.wallMs, asy?.wallMs ?? NaN),
      formatBytes(r.peakRss),
      ratio(r.peakRss, gen?.peakRss ?? NaN),
      ratio(r.peakRss, asy?.peakRss ?? NaN),
      r.walls.map(formatMs).join(', '),
    ]),
  ),
);
out.push('');
out.push(`### Heap per sleeping task at ${PARKED.toLocaleString('en')} tasks`);
out.push('');
out.push(
  '`heapUsed` after a full GC (`--expose-gc`) with every task asleep (an hour-long sleep), ' +
    'minus `heapUsed` before the first spawn, divided by the number of tasks. Counts ' +
    'everything a sleeping task holds: its task record, its suspended generator or async ' +
    "function, its sleep and timer, its entry in the parent's child set (or the join " +
    `array). Effection is measured at ${PARKED_EFFECTION.toLocaleString('en')} tasks (1 M ` +
    'would not fit the time budget).',
);
out.push('');
const pGen = value(parked, 'simul-gen', 'bytesPerTask');
const pAsync = value(parked, 'simul-async', 'bytesPerTask');
out.push(
  table(
    ['', 'tasks', 'heap per task', 'x vs simul (generators)', 'x vs simul (async)', 'peak RSS'],
    parked.map((r) => [
      LABELS[r.name],
      r.n.toLocaleString('en'),
      formatBytes(r.bytesPerTask),
      ratio(r.bytesPerTask, pGen),
      ratio(r.bytesPerTask, pAsync),
      formatBytes(r.peakRss),
    ]),
  ),
);
out.push('');
out.push(`### ${HUGE.toLocaleString('en')} concurrent sleeping generator tasks`);
out.push('');
if (huge !== null) {
  out.push(
    `Every task is spawned and asleep at once (each sleeps 1,000 ms under \`clock: 'virtual'\`, ` +
      'so the run ends as soon as the last one wakes instead of waiting out the spawn time ' +
      'twice; the tasks, sleeps and timer heap are the same as under the real clock). ' +
      'Node flags: `--expose-gc --max-old-space-size=20480`.',
  );
  out.push('');
  out.push(
    table(
      ['tasks', 'finished', 'spawned and asleep after', 'whole run', 'heap per task', 'peak RSS'],
      [
        [
          huge.n.toLocaleString('en'),
          huge.finished.toLocaleString('en'),
          formatMs(huge.spawnMs),
          formatMs(huge.wallMs),
          formatBytes(huge.bytesPerTask),
          formatBytes(huge.peakRss),
        ],
      ],
    ),
  );
} else {
  out.push('**Failed**:');
  out.push('');
  out.push('```');
  out.push(hugeError);
  out.push('```');
}
out.push('');
out.push('### Targets');
out.push('');
const plainWall = value(sleepers, 'plain', 'wallMs');
const plainBytes = value(parked, 'plain', 'bytesPerTask');
const targets: unknown[][] = [];
for (const name of ['simul-gen', 'simul-async'] as const) {
  const wall = value(sleepers, name, 'wallMs');
  const rss = value(sleepers, name, 'peakRss');
  targets.push([
    `${SLEEPERS.toLocaleString('en')} × sleep(10), ${LABELS[name]}: wall`,
    `≤ async/await (${formatMs(plainWall)})`,
    formatMs(wall),
    verdict(wall, plainWall),
  ]);
  targets.push([
    `${SLEEPERS.toLocaleString('en')} × sleep(10), ${LABELS[name]}: peak RSS`,
    '≤ 120 MB (114 MiB)',
    formatBytes(rss),
    verdict(rss, 120e6),
  ]);
}
targets.push([
  'heap per sleeping generator task',
  '≤ 400 B',
  formatBytes(pGen),
  verdict(pGen, 400),
]);
targets.push([
  'heap per sleeping async task',
  `≤ async/await (${formatBytes(plainBytes)})`,
  formatBytes(pAsync),
  verdict(pAsync, plainBytes),
]);
targets.push([
  `${HUGE.toLocaleString('en')} concurrent generator tasks complete`,
  'completes',
  huge ? `${huge.finished.toLocaleString('en')} finished` : 'failed',
  huge && huge.finished === HUGE ? 'met' : '**missed**',
]);
out.push(table(['target', 'limit', 'measured', 'verdict'], targets));
if (quick) {
  out.push('');
  out.push('(--quick: smaller sizes; the targets are stated for the full sizes.)');
}
console.log(out.join('\n'));
