// How many runs explore needs to find each bug of examples/bugs/, per policy (median and
// worst over 100 base seeds). Run after a build: `node scripts/explore-bugs.js [--seeds N]`.
// The table is quoted in docs/benchmarks.md (Notes: deterministic testing).
import { parseArgs } from 'node:util';
import { runsToFind, PCT_TARGET } from '../dist/bench/explore-bugs.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '100' } } });
const seeds = Number(values.seeds);
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error(`explore-bugs: --seeds must be an integer >= 1, got ${values.seeds}`);
  process.exit(2);
}
const { markdown, met } = await runsToFind(seeds);
console.log(
  `Runs explore needs to find each bug (over ${seeds} base seeds; the FIFO run counts as 1):\n`,
);
console.log(markdown);
console.log(
  `\n${met ? 'target met' : 'target MISSED'}: PCT finds every bug within ${PCT_TARGET} runs (median)`,
);
process.exit(met ? 0 : 1);
