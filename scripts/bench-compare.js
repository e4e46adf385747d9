// Compares two builds of simul side by side on the core's CPU and memory scenarios: spawn +
// join, task switches, 100k sleepers (wall time and peak RSS) and heap per sleeping task,
// for generator and async tasks, plus the native floor (async/await ping-pong) as a
// control. Prints after/before ratios with their spread as Markdown on stdout.
//
//   npm run bench:compare -- --before /work/before/dist       (builds this checkout first)
//   node scripts/bench-compare.js --before DIR [--after DIR] [--rounds N] [--only LIST]
//                                 [--quick] [--json FILE]
//
//   --before DIR   the reference build: a dist folder holding src/ and bench/
//   --after DIR    the build under test (default: this checkout's dist)
//   --rounds N     how many times each measurement is repeated on each side (default 5;
//                  3 with --quick)
//   --only LIST    some of: spawn, switch, sleepers, heap, floor (comma-separated)
//   --quick        smaller sizes and fewer timed runs, a smoke test of the tool
//   --json FILE    also write every sample, for a closer look
//
// How it measures: every measurement is one fresh process of that build's own
// bench/worker.js (the one `npm run bench` uses), loaded with simul only (checked, see
// bench/record-loads.ts). Within a round the two builds run back to back, in an order that
// alternates from one measurement and one round to the next, so a drift in the machine's
// load falls on both sides alike; the ratio is taken within each round, and the table shows
// the median ratio and the lowest and highest. Each build is copied first, so rebuilding a
// dist during the run changes nothing. Run with before = after to see the noise floor.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { snapshotBuild } from './snapshot.js';

const CHECKOUT = dirname(dirname(fileURLToPath(import.meta.url)));
const GROUPS = ['spawn', 'switch', 'sleepers', 'heap', 'floor'];

function usage(message) {
  console.error(`bench-compare: ${message}`);
  console.error(
    'usage: node scripts/bench-compare.js --before DIR [--after DIR] [--rounds N] ' +
      `[--only ${GROUPS.join(',')}] [--quick] [--json FILE]`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { after: join(CHECKOUT, 'dist'), quick: false, only: GROUPS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--before') options.before = resolve(value());
    else if (arg === '--after') options.after = resolve(value());
    else if (arg === '--rounds') options.rounds = Number(value());
    else if (arg === '--json') options.json = resolve(value());
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--only') {
      options.only = value().split(',');
      const unknown = options.only.filter((g) => !GROUPS.includes(g));
      if (unknown.length) usage(`--only: unknown ${unknown.join(', ')}`);
    } else usage(`unknown argument ${arg}`);
  }
  if (options.before === undefined) usage('--before DIR is required');
  options.rounds ??= options.quick ? 3 : 5;
  if (!Number.isInteger(options.rounds) || options.rounds < 1) usage('--rounds: a whole number');
  return options;
}

const options = parseArgs(process.argv.slice(2));
// The measurements run on the project's pinned Node (what `npm run` puts first on PATH),
// even when this script is started with another `node` (on this machine, Node 20).
const pinned = join(CHECKOUT, 'node_modules', 'node', 'bin', 'node');
const NODE = existsSync(pinned) ? pinned : process.execPath;
const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
const toolDist = join(CHECKOUT, 'dist');
if (!existsSync(join(toolDist, 'bench', 'harness.js'))) {
  usage(`${toolDist}/bench not found: run \`npm run build\` first (npm run bench:compare does)`);
}

// The harness (inChild and the formatting) comes from this checkout's build; each side's
// worker from that side's build. All three are copies taken now.
const nodeModules = join(CHECKOUT, 'node_modules');
let tools, sides;
try {
  tools = snapshotBuild(toolDist, { dirs: ['bench'], nodeModules });
  sides = {
    before: snapshotBuild(options.before, { nodeModules }),
    after: snapshotBuild(options.after, { nodeModules }),
  };
} catch (error) {
  usage(error.message);
}
const { formatBytes, formatMs, formatNs, inChild, median, size, table } = await import(
  pathToFileURL(join(tools, 'bench', 'harness.js')).href
);

const BIG_HEAP = '--max-old-space-size=16384';
const ns = { key: 'ns', format: formatNs };
const bytes = { key: 'bytesPerTask', format: (b) => `${b.toFixed(0)} B` };
const wall = { key: 'wallMs', label: 'wall', format: formatMs };
const rss = { key: 'peakRss', label: 'peak RSS', format: formatBytes };
const switches = size(1_000_000, 100_000);
const sleepers = size(100_000, 10_000);
const parked = size(1_000_000, 100_000);

/**
 * What is measured: `args` are the worker's (scenario, contender, n[, ms]); `metrics` the
 * fields of its reply that are compared.
 */
const MEASUREMENTS = [];
const measure = (group, label, args, nodeFlags, metrics) =>
  MEASUREMENTS.push({ group, label, args, nodeFlags, metrics });
for (const [contender, style] of [
  ['simul-gen', 'generator'],
  ['simul-async', 'async'],
]) {
  measure(
    'spawn',
    `spawn + join, ${style} task`,
    ['spawnJoin', contender, size(200_000, 20_000)],
    [],
    [ns],
  );
  measure('switch', `switch, ${style} tasks`, ['pingPong', contender, switches], [], [ns]);
  measure(
    'sleepers',
    `${sleepers.toLocaleString('en')} × sleep(10), ${style} tasks`,
    ['sleepers', contender, sleepers, 10],
    [BIG_HEAP],
    [wall, rss],
  );
  measure(
    'heap',
    `heap per sleeping ${style} task (${parked.toLocaleString('en')})`,
    ['parked', contender, parked],
    ['--expose-gc', BIG_HEAP],
    [bytes],
  );
}
measure(
  'floor',
  'native floor: an `await null` hop (control, same code on both sides)',
  ['pingPong', 'plain', switches],
  [],
  [ns],
);
// In the order of GROUPS, generator tasks before async tasks within a group.
const selected = MEASUREMENTS.filter((m) => options.only.includes(m.group)).sort(
  (a, b) => GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group),
);

function gitDescribe(dir) {
  const git = (...a) => spawnSync('git', ['-C', dir, ...a], { encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'not in a git checkout';
  const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src').stdout.trim();
  return `commit ${head.stdout.trim()}${dirty ? ', src/ with uncommitted changes' : ''}`;
}

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
const loadAtStart = load();
const started = Date.now();

// samples[i][side][round] is the result object of measurement i on that side in that round.
const samples = selected.map(() => ({ before: [], after: [] }));
const failures = [];
for (let round = 0; round < options.rounds; round++) {
  selected.forEach((m, i) => {
    const order = (round + i) % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
    for (const side of order) {
      const [scenario, contender, ...rest] = m.args;
      const argv = [scenario, contender, ...rest.map(String)];
      process.stderr.write(
        `compare: round ${round + 1}/${options.rounds} ${side} ${argv.join(' ')}\n`,
      );
      try {
        const result = inChild(join(sides[side], 'bench', 'worker.js'), argv, {
          node: NODE,
          nodeFlags: m.nodeFlags,
          library: contender === 'plain' ? null : 'simul',
        });
        samples[i][side].push(result);
      } catch (error) {
        if (error.signal === 'SIGINT') process.exit(130); // Ctrl-C: stop, not the next one
        samples[i][side].push(null);
        failures.push(`${side} ${argv.join(' ')}: ${String(error).split('\n')[0]}`);
      }
    }
  });
}

/** The per-round after/before ratios of one metric, skipping rounds where a side failed. */
function ratios(i, key) {
  const out = [];
  for (let r = 0; r < options.rounds; r++) {
    const b = samples[i].before[r]?.[key];
    const a = samples[i].after[r]?.[key];
    if (Number.isFinite(a) && Number.isFinite(b) && b > 0) out.push(a / b);
  }
  return out;
}

const values = (list, key) => list.map((s) => s?.[key]).filter(Number.isFinite);
const x = (r) => `${r.toFixed(2)}x`;

const rows = [];
const json = [];
selected.forEach((m, i) => {
  for (const metric of m.metrics) {
    const before = values(samples[i].before, metric.key);
    const after = values(samples[i].after, metric.key);
    const rs = ratios(i, metric.key);
    // A round counts when the two sides differ by more than 1% (a byte of heap is no news).
    const slower = rs.filter((r) => r > 1.01).length;
    const faster = rs.filter((r) => r < 0.99).length;
    const reading =
      rs.length === 0
        ? 'failed'
        : rs.length < 3
          ? 'too few rounds to tell'
          : slower === rs.length
            ? 'after slower in every round'
            : faster === rs.length
              ? 'after faster in every round'
              : `no steady difference (${slower} of ${rs.length} rounds slower, ${faster} faster)`;
    rows.push([
      metric.label ? `${m.label}: ${metric.label}` : m.label,
      metric.format(median(before)),
      metric.format(median(after)),
      rs.length ? x(median(rs)) : '–',
      rs.length ? `${x(Math.min(...rs))} – ${x(Math.max(...rs))}` : '–',
      reading,
    ]);
    json.push({
      measurement: m.label,
      metric: metric.key,
      args: m.args,
      before,
      after,
      ratios: rs,
    });
  }
});

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const out = [
  '## Before / after',
  '',
  `\`node scripts/bench-compare.js ${process.argv.slice(2).join(' ')}\`, ` +
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} min.`,
  '',
  `- before: \`${options.before}\` (${gitDescribe(dirname(options.before))})`,
  `- after: \`${options.after}\` (${gitDescribe(dirname(options.after))})`,
  `- Node ${nodeVersion} (\`${NODE}\`); ${options.rounds} rounds, each a fresh process per side and ` +
    `measurement${options.quick ? ' (--quick: smaller sizes)' : ''}; load average (1, 5, 15 min) ` +
    `${loadAtStart} at the start, ${load()} at the end`,
  '',
  'Each cell is a median over the rounds; a time is itself the median of the timed runs in ' +
    'its process. "after / before" is the median of the per-round ratios (below 1x, after is ' +
    'faster or smaller), with the lowest and highest per-round ratio.',
  '',
  table(['measurement', 'before', 'after', 'after / before', 'ratio range', 'reading'], rows),
];
if (failures.length) {
  out.push('', `**${failures.length} measurement(s) failed:**`, '');
  for (const f of failures) out.push(`- ${f}`);
}
console.log(out.join('\n'));
if (options.json) {
  writeFileSync(
    options.json,
    JSON.stringify({ options, rounds: options.rounds, results: json }, null, 2),
  );
  console.error(`samples written to ${options.json}`);
}
process.exit(failures.length ? 1 : 0);
