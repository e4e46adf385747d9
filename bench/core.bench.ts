/**
 * The core's CPU costs, side by side: spawn + join of one task, a whole run() of one task,
 * and task switches (yieldNow ping-pong). simul with generator tasks and with async tasks
 * against plain async/await, Effect 4 and Effection 4. Each (scenario, contender) pair is
 * timed in a fresh process (bench/worker.ts) that loads that contender's library only (and
 * `inChild` checks it), so one library's JIT state and garbage stay out of another's
 * numbers; inside it, warm-up runs, then the median of several.
 *
 * The targets are ratios to plain async/await measured in the same run (the native floor),
 * so that they hold on any machine and any day, not only on the one they were set on.
 */
import { formatNs, inChild, quick, ratioTable, ratioTargetTable, size } from './harness.js';
import {
  LABELS,
  SIMUL_ASYNC,
  SIMUL_GEN,
  libraryOf,
  type ContenderName,
} from './contenders/labels.js';
import type { TimeResult } from './worker.js';

const WORKER = new URL('./worker.js', import.meta.url);
const BASELINES = [SIMUL_GEN, SIMUL_ASYNC];

interface Measured {
  name: ContenderName;
  n: number;
  result: TimeResult;
}

function time(scenario: string, plan: [ContenderName, number][]): Measured[] {
  return plan.map(([name, n]) => {
    process.stderr.write(`core: ${scenario} ${name} n=${n}\n`);
    const result = inChild<TimeResult>(WORKER, [scenario, name, String(n)], {
      library: libraryOf(name),
    });
    return { name, n, result };
  });
}

function render(metric: string, unit: string, measured: Measured[]): string {
  return ratioTable(
    metric,
    measured.map(({ name, n, result }) => ({
      name: LABELS[name],
      value: result.ns,
      extra: [
        `${formatNs(result.minNs)} – ${formatNs(result.maxNs)}`,
        `${n.toLocaleString('en')} ${unit}`,
      ],
    })),
    BASELINES,
    ['spread (min – max)', 'per sample'],
  );
}

function ns(measured: Measured[], name: ContenderName): number {
  return measured.find((m) => m.name === name)?.result.ns ?? NaN;
}

const big = size(200_000, 20_000);
const slow = size(20_000, 2_000);

const spawnJoin = time('spawnJoin', [
  ['simul-gen', big],
  ['simul-async', big],
  ['plain', big],
  ['effect', big],
  ['effection', slow],
]);

const runs = time('runs', [
  ['simul-gen', slow],
  ['simul-async', slow],
  ['plain', big],
  ['effect', slow],
  ['effection', size(5_000, 500)],
]);

const switches = size(1_000_000, 100_000);
const pingPong = time('pingPong', [
  ['simul-gen', switches],
  ['simul-async', switches],
  ['plain', switches],
  ['effect', switches],
  ['effection', switches],
  ['effection-until', switches],
]);

const out: string[] = [];
out.push('## Core: spawning, joining and switching tasks');
out.push('');
out.push(
  'Each row is measured in a fresh process that loads that contender only (checked: the ' +
    'process lists the libraries it loaded, and the bench fails if another contender is ' +
    `among them): warm-up runs, then the median of ${quick ? 3 : 5} timed runs (the spread ` +
    'column shows the fastest and slowest). Ratios are "this row\'s time / simul\'s time": ' +
    'above 1x, simul is faster.',
);
out.push('');
out.push('### Spawn + join of one task');
out.push('');
out.push(
  'Inside one run, a loop starts a trivial child task and waits for its result, so the ' +
    "run's own set-up is amortised. simul: `yield* spawn(function* () { return 1 })` / " +
    '`await spawn(async () => 1)`; async/await: `await f()` of an async function (there is ' +
    'no task to spawn); Effect: `Fiber.join(yield* Effect.forkChild(Effect.succeed(1)))`; ' +
    'Effection: `yield* (yield* spawn(function* () { return 1 }))`.',
);
out.push('');
out.push(render('per task', 'tasks', spawnJoin));
out.push('');
out.push('### A whole run of one trivial task');
out.push('');
out.push(
  "The entry point's fixed cost: `await run(() => 1)` in a loop (Effect: `Effect.runPromise`; " +
    'async/await: calling and awaiting an async function).',
);
out.push('');
out.push(render('per run', 'runs', runs));
out.push('');
out.push('### Switches between two tasks (yieldNow ping-pong)');
out.push('');
out.push(
  `Two tasks each yield ${(switches / 2).toLocaleString('en')} times; a switch is one ` +
    'hand-over (checked before timing: 1,000 switches must alternate 1,000 times). simul: ' +
    '`yieldNow()`; Effect: `Effect.yieldNow`; async/await: `await null` (one microtask hop, ' +
    'no setImmediate); Effection has no yieldNow and its `sleep(0)` is a 1 ms `setTimeout`, ' +
    'so its switch is a microtask hop: an `action` resolved from `Promise.resolve().then`, or ' +
    'the idiomatic `until(Promise.resolve())`.',
);
out.push('');
out.push(render('per switch', 'switches', pingPong));
out.push('');
out.push('### Targets');
out.push('');
out.push(
  'Each target is a ratio to the native floor measured in this run: the async/await row of ' +
    'the same table (`await f()` for spawn + join, an `await null` hop for a switch). The ' +
    'ratios match the absolute targets they replace (1 µs, 1.5 µs, 150 ns, 300 ns) at the ' +
    'floors this machine measured when they were set in December 2026 (`await f()` about ' +
    '45 ns, a hop 50–55 ns); the verdict is computed from the ratio.',
);
out.push('');
const SPAWN_FLOOR = 'async/await (`await f()`)';
const HOP = 'an `await null` hop';
out.push(
  ratioTargetTable([
    {
      name: 'spawn + join, generator task',
      value: ns(spawnJoin, 'simul-gen'),
      floor: ns(spawnJoin, 'plain'),
      maxRatio: 22,
      floorName: SPAWN_FLOOR,
    },
    {
      name: 'spawn + join, async task',
      value: ns(spawnJoin, 'simul-async'),
      floor: ns(spawnJoin, 'plain'),
      maxRatio: 33,
      floorName: SPAWN_FLOOR,
    },
    {
      name: 'switch, generator tasks',
      value: ns(pingPong, 'simul-gen'),
      floor: ns(pingPong, 'plain'),
      maxRatio: 3,
      floorName: HOP,
    },
    {
      name: 'switch, async tasks',
      value: ns(pingPong, 'simul-async'),
      floor: ns(pingPong, 'plain'),
      maxRatio: 6,
      floorName: HOP,
    },
  ]),
);
console.log(out.join('\n'));
