// Schedule exploration of every primitive (issue 3): each program runs under 1,000 random
// and 1,000 PCT schedules, with random timeouts and cancellations, and checks its
// invariants (see explore-programs.ts). SIMUL_EXPLORE_SEEDS changes the count;
// `npm run explore:sync` runs 10,000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explorePrograms, programs } from './explore-programs.js';

const seeds = Number(process.env.SIMUL_EXPLORE_SEEDS ?? 1000);

for (const [name, program] of Object.entries(programs)) {
  for (const policy of ['random', 'pct'] as const) {
    test(`${name}: the invariants hold on ${seeds} ${policy} schedules with random cancellations`, async () => {
      const failures = await explorePrograms(name, program, policy, 0, seeds);
      assert.deepEqual(failures, []);
    });
  }
}
