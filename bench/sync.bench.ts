/**
 * The synchronisation primitives against their peers (issue 3): items through a bounded
 * queue with one producer and one consumer, buffered sends before the first receive (must
 * be linear), and lock hand-offs between contending tasks. simul with generator tasks and
 * with async tasks, Effect 4's Queue and Semaphore, Effection 4's queue, p-queue and
 * p-limit where they do the same job. Every (scenario, contender, size) is timed in a fresh
 * process (bench/sync-worker.ts) that loads that contender's library only (and `inChild`
 * checks it): warm-up runs, then the median of several. The time targets are ratios to an
 * `await null` hop measured in the same run (bench/worker.ts's async/await ping-pong).
 */
import {
  formatNs,
  inChild,
  quick,
  ratio,
  ratioTable,
  ratioTargetTable,
  size,
  table,
  verdict,
} from './harness.js';
import { LABELS as CORE_LABELS, SIMUL_ASYNC, SIMUL_GEN, libraryOf } from './contenders/labels.js';
import type { SyncResult } from './sync-worker.js';
import type { TimeResult } from './worker.js';

const WORKER = new URL('./sync-worker.js', import.meta.url);
const CORE_WORKER = new URL('./worker.js', import.meta.url);

const LABELS: Record<string, string> = {
  'simul-gen': SIMUL_GEN,
  'simul-async': SIMUL_ASYNC,
  'simul-gen-channel': 'simul Channel(100) (generators)',
  'simul-async-channel': 'simul Channel(100) (async)',
  'simul-gen-rendezvous': 'simul Channel(0), rendezvous (generators)',
  'simul-async-rendezvous': 'simul Channel(0), rendezvous (async)',
  effect: CORE_LABELS.effect,
  effection: CORE_LABELS.effection,
  'p-queue': 'p-queue 9 (concurrency 1)',
  'p-limit': 'p-limit 7 (limit 1)',
};

function time(scenario: string, name: string, n: number, k = 1, repeat?: number): SyncResult {
  process.stderr.write(`sync: ${scenario} ${name} n=${n} k=${k}\n`);
  return inChild<SyncResult>(
    WORKER,
    [scenario, name, String(n), String(k), repeat === undefined ? 'default' : String(repeat)],
    { library: libraryOf(name) },
  );
}

const out: string[] = [];
out.push('## Synchronisation: queues, channels and locks');
out.push('');
out.push(
  'Each number is measured in a fresh process that loads that contender only (checked, as in ' +
    `the core section): warm-up runs, then the median of ${quick ? 3 : 5} timed runs. Ratios ` +
    'are "this row\'s time / simul\'s time": above 1x, simul is faster.',
);

// --- 1. a bounded queue, one producer, one consumer -----------------------------------------

const items = size(1_000_000, 100_000);
const peerItems = size(200_000, 20_000);
const bounded: [string, number][] = [
  ['simul-gen', items],
  ['simul-async', items],
  ['simul-gen-channel', items],
  ['simul-async-channel', items],
  ['simul-gen-rendezvous', items],
  ['simul-async-rendezvous', items],
  ['effect', peerItems],
  ['effection', items],
  ['p-queue', items],
];
const boundedResults = bounded.map(([name, n]) => ({ name, n, result: time('bounded', name, n) }));
out.push('');
out.push('### Items through a bounded queue: one producer, one consumer');
out.push('');
out.push(
  'The producer puts the numbers 0..n-1 into a queue of capacity 100 and the consumer ' +
    'gets them and checks their sum. simul: `Queue({ maxsize: 100 })` with `put`/`get`, ' +
    'and `Channel(100)`/`Channel(0)` with `send`/`receive`; Effect: `Queue.bounded(100)` with ' +
    '`Queue.offer`/`Queue.take` in two fibers; Effection 4 has no bounded queue, so its ' +
    '`createQueue()` is bounded by hand (the producer waits for an acknowledgement every 100 ' +
    'items); p-queue is a job queue: each item is a job run by `concurrency: 1`, and the ' +
    'producer awaits `onSizeLessThan(100)` while 100 are queued.',
);
out.push('');
out.push(
  ratioTable(
    'per item',
    boundedResults.map(({ name, n, result }) => ({
      name: LABELS[name],
      value: result.ns,
      extra: [
        `${formatNs(result.minNs)} – ${formatNs(result.maxNs)}`,
        `${n.toLocaleString('en')} items`,
      ],
    })),
    [SIMUL_GEN, SIMUL_ASYNC],
    ['spread (min – max)', 'per sample'],
  ),
);

// --- 2. buffered puts before the first get: linear? -------------------------------------------

const sizes = quick ? [10_000, 20_000, 40_000] : [50_000, 100_000, 200_000];
const buffered = ['simul-gen', 'simul-async', 'effect', 'effection', 'p-queue'];
const bufferedResults = buffered.map((name) => ({
  name,
  // Effection's quadratic queue takes seconds at the largest size: fewer repetitions.
  results: sizes.map((n) => time('buffered', name, n, 1, name === 'effection' ? 3 : undefined)),
}));
const growth = (results: SyncResult[]): number => results[results.length - 1].ns / results[0].ns;
out.push('');
out.push(
  `### ${sizes[sizes.length - 1].toLocaleString('en')} buffered sends before the first receive`,
);
out.push('');
out.push(
  'n puts into an unbounded queue, then n gets, in one task. Linear means the time per item ' +
    `stays flat as n grows (the last column: per-item time at ${sizes[sizes.length - 1].toLocaleString('en')} ` +
    `over per-item time at ${sizes[0].toLocaleString('en')}; about 1x is linear, ` +
    `${sizes[sizes.length - 1] / sizes[0]}x is quadratic). simul: \`new Queue()\`; Effect: ` +
    '`Queue.unbounded()`; Effection: `createQueue()` (`add`, then `next()`); p-queue: n jobs ' +
    'added with `autoStart: false`, then `start()`.',
);
out.push('');
out.push(
  table(
    [
      '',
      ...sizes.map((n) => `per item, n = ${n.toLocaleString('en')}`),
      `x vs simul (generators), n = ${sizes[sizes.length - 1].toLocaleString('en')}`,
      'growth',
    ],
    bufferedResults.map(({ name, results }) => [
      LABELS[name],
      ...results.map((r) => formatNs(r.ns)),
      ratio(results[results.length - 1].ns, bufferedResults[0].results[results.length - 1].ns),
      ratio(growth(results), 1),
    ]),
  ),
);

// --- 3. lock hand-off between contending tasks ---------------------------------------------

const acquisitions = size(200_000, 20_000);
const contention = [1, 2, 10, 100];
const locks = ['simul-gen', 'simul-async', 'effect', 'p-limit'];
const lockResults = locks.map((name) => ({
  name,
  results: contention.map((k) => time('lock', name, acquisitions, k)),
}));
out.push('');
out.push('### Lock hand-off between contending tasks');
out.push('');
out.push(
  `k tasks each repeat acquire → yield → release until ${acquisitions.toLocaleString('en')} ` +
    'acquisitions are done in all; the yield inside the critical section lets the others ' +
    'queue up, so (for k > 1) every release hands the lock to a waiting task. The time is ' +
    'per acquisition, the yield and the switch included. simul: `Lock` with `yieldNow()`; ' +
    'Effect: `Semaphore.withPermit(Semaphore.make(1))` around `Effect.yieldNow`; p-limit: ' +
    '`pLimit(1)` around an async function that awaits once. Effection 4 has no lock.',
);
out.push('');
out.push(
  table(
    [
      '',
      ...contention.map((k) => `k = ${k}`),
      ...contention.slice(1).map((k) => `x vs simul (generators), k = ${k}`),
    ],
    lockResults.map(({ name, results }) => [
      LABELS[name],
      ...results.map((r) => formatNs(r.ns)),
      ...results.slice(1).map((r, i) => ratio(r.ns, lockResults[0].results[i + 1].ns)),
    ]),
  ),
);

// --- targets ---------------------------------------------------------------------------------

// The native floor of the time targets: an `await null` hop between two async functions, in
// a fresh process that loads no library, as in the core section's ping-pong.
process.stderr.write(`sync: native floor (pingPong plain n=${items})\n`);
const hop = inChild<TimeResult>(CORE_WORKER, ['pingPong', 'plain', String(items)], {
  library: null,
}).ns;

const nsOf = (name: string): number =>
  boundedResults.find((r) => r.name === name)?.result.ns ?? NaN;
const simulGrowth = bufferedResults
  .filter(({ name }) => name.startsWith('simul'))
  .map(({ name, results }) => ({ name, growth: growth(results) }));
out.push('');
out.push('### Targets');
out.push('');
out.push(
  `The time targets are ratios to the native floor measured in this run: an \`await null\` ` +
    `hop between two async functions (${formatNs(hop)}, as in the core section's ping-pong). ` +
    'The ratio matches the absolute target it replaces (200 ns per item) at the floor this ' +
    'machine measured when it was set in December 2026 (50–55 ns); the verdict is computed ' +
    'from the ratio.',
);
out.push('');
const HOP = 'an `await null` hop';
out.push(
  ratioTargetTable([
    {
      name: 'bounded queue, generator tasks (per item)',
      value: nsOf('simul-gen'),
      floor: hop,
      maxRatio: 4,
      floorName: HOP,
    },
    {
      name: 'bounded queue, async tasks (per item)',
      value: nsOf('simul-async'),
      floor: hop,
      maxRatio: 4,
      floorName: HOP,
    },
  ]),
);
out.push('');
out.push(
  table(
    ['target', 'limit', 'measured', 'verdict'],
    simulGrowth.map(({ name, growth: g }) => [
      `buffered sends are linear, ${name === 'simul-gen' ? 'generator' : 'async'} tasks`,
      'growth ≤ 2x',
      ratio(g, 1),
      verdict(g, 2),
    ]),
  ),
);
console.log(out.join('\n'));
