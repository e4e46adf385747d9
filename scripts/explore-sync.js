// The long schedule exploration of the synchronisation primitives (issue 3): every program
// of test/sync/explore-programs.ts under 10,000 random and 10,000 PCT schedules (npm test
// runs 1,000 of each). Run after a build: `npm run explore:sync`, or
// `node scripts/explore-sync.js [--seeds N] [--from S] [--program Lock,Queue] [--policy pct]`.
// A failure prints its program, policy and seed; replay it with --from SEED --seeds 1.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { explorePrograms, programs } from '../dist/test/sync/explore-programs.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10000' },
    from: { type: 'string', default: '0' },
    program: { type: 'string' },
    policy: { type: 'string' },
  },
});
const seeds = Number(values.seeds);
const from = Number(values.from);
if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(from)) {
  console.error(`explore-sync: --seeds must be an integer >= 1 and --from an integer`);
  process.exit(2);
}
const names = values.program ? values.program.split(',') : Object.keys(programs);
for (const name of names) {
  if (!(name in programs)) {
    console.error(
      `explore-sync: no program ${name}; there are ${Object.keys(programs).join(', ')}`,
    );
    process.exit(2);
  }
}
const policies = values.policy ? [values.policy] : ['random', 'pct'];

const CHUNK = 500;
let failed = 0;
const started = performance.now();
for (const name of names) {
  for (const policy of policies) {
    const t0 = performance.now();
    const failures = [];
    for (let at = from; at < from + seeds && failures.length < 5; at += CHUNK) {
      const count = Math.min(CHUNK, from + seeds - at);
      failures.push(...(await explorePrograms(name, programs[name], policy, at, count)));
      process.stderr.write(`\r${name} ${policy}: ${at + count - from}/${seeds} schedules`);
    }
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    process.stderr.write('\r');
    if (failures.length === 0) {
      console.log(`ok   ${name.padEnd(9)} ${policy.padEnd(6)} ${seeds} schedules in ${seconds} s`);
    } else {
      failed += failures.length;
      console.log(
        `FAIL ${name.padEnd(9)} ${policy.padEnd(6)} (stopped after ${failures.length} failures)`,
      );
      for (const f of failures) console.log(`  seed ${f.seed}: ${f.message.split('\n')[0]}`);
    }
  }
}
const total = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  failed === 0 ? `all invariants held (${total} s)` : `${failed} failing schedules (${total} s)`,
);
process.exit(failed === 0 ? 0 : 1);
