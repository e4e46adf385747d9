// How many runs explore needs to find each bug of examples/bugs/, per policy: the median
// (and the worst) over 100 base seeds, each exploration stopping at its first failure.
// Target (issue 9): PCT finds each within 50 runs. Run after a build:
// `node scripts/explore-bugs.js [--seeds 100]`; the table goes to docs/benchmarks.md.
import { parseArgs } from 'node:util';
import os from 'node:os';
import { explore } from '../dist/src/index.js';
import { lostUpdateAsync, lostUpdateGenerator } from '../dist/examples/bugs/lost-update.js';
import { lockOrderAsync, lockOrderGenerator } from '../dist/examples/bugs/lock-order.js';
import { missedWakeupAsync, missedWakeupGenerator } from '../dist/examples/bugs/missed-wakeup.js';
import {
  cacheDoubleFetchAsync,
  cacheDoubleFetchGenerator,
} from '../dist/examples/bugs/cache-double-fetch.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '100' } } });
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error(`explore-bugs: --seeds must be an integer >= 1, got ${values.seeds}`);
  process.exit(2);
}

const bugs = [
  ['lost update', 'async', lostUpdateAsync],
  ['lost update', 'generator', lostUpdateGenerator],
  ['lock-order deadlock', 'async', lockOrderAsync],
  ['lock-order deadlock', 'generator', lockOrderGenerator],
  ['missed wake-up', 'async', missedWakeupAsync],
  ['missed wake-up', 'generator', missedWakeupGenerator],
  ['cache double fetch', 'async', cacheDoubleFetchAsync],
  ['cache double fetch', 'generator', cacheDoubleFetchGenerator],
];
const MAX_RUNS = 1000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

console.log(`# explore-bugs: runs to find each bug (median / worst over ${seeds} base seeds)`);
console.log(
  `# ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`,
);
console.log('');
console.log(
  '| bug | style | random: median (worst) | pct: median (worst) | shrunk: non-FIFO choices / trace length |',
);
console.log('|---|---|---|---|---|');
let missed = false;
for (const [bug, style, body] of bugs) {
  const cells = [];
  for (const policy of ['random', 'pct']) {
    const found = [];
    for (let s = 0; s < seeds; s++) {
      // Base seeds far apart: run i of base seed b uses seed b + i.
      const report = await explore(body, {
        policy,
        seed: s * 100_000,
        runs: MAX_RUNS,
        stopOnFailure: true,
        shrink: false,
      });
      // Runs made, the FIFO run included; a miss counts as more than MAX_RUNS.
      found.push(report.failures.length > 0 ? report.runs : MAX_RUNS + 1);
    }
    const med = median(found);
    const worst = Math.max(...found);
    if (policy === 'pct' && med > 50) missed = true;
    cells.push(`${med} (${worst > MAX_RUNS ? `not found in ${MAX_RUNS}` : worst})`);
  }
  const { failures } = await explore(body, { policy: 'pct', runs: MAX_RUNS, stopOnFailure: true });
  const trace = failures[0]?.trace ?? [];
  cells.push(`${trace.filter((c) => c !== 0).length} / ${trace.length}`);
  console.log(`| ${bug} | ${style} | ${cells.join(' | ')} |`);
}
console.log('');
console.log(
  missed
    ? 'target missed: a bug needed more than 50 PCT runs (median)'
    : 'target met: PCT finds every bug within 50 runs (median)',
);
