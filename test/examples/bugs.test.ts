// The four bugs of examples/bugs/, each in both styles: a plain (FIFO) run passes, explore
// finds the bug with either policy, the failure replays from its trace and from its seed,
// and shrinking leaves one or two choices that differ from FIFO, described in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore, replay, run, type ExploreFailure } from '../../src/index.js';
import { lostUpdateAsync, lostUpdateGenerator } from '../../examples/bugs/lost-update.js';
import { lockOrderAsync, lockOrderGenerator } from '../../examples/bugs/lock-order.js';
import { missedWakeupAsync, missedWakeupGenerator } from '../../examples/bugs/missed-wakeup.js';
import {
  cacheDoubleFetchAsync,
  cacheDoubleFetchGenerator,
} from '../../examples/bugs/cache-double-fetch.js';

const bugs: [string, () => unknown, RegExp][] = [
  ['lost update (async)', lostUpdateAsync, /lost update: balance is 150/],
  ['lost update (generator)', lostUpdateGenerator, /lost update: balance is 150/],
  ['lock-order deadlock (async)', lockOrderAsync, /deadlock/],
  ['lock-order deadlock (generator)', lockOrderGenerator, /deadlock/],
  ['missed wake-up (async)', missedWakeupAsync, /deadlock/],
  ['missed wake-up (generator)', missedWakeupGenerator, /deadlock/],
  ['cache double fetch (async)', cacheDoubleFetchAsync, /double fetch/],
  ['cache double fetch (generator)', cacheDoubleFetchGenerator, /double fetch/],
];

function firstLine(error: unknown): string {
  return String((error as Error).message).split('\n')[0];
}

for (const [name, body, expected] of bugs) {
  test(`${name}: a plain run passes`, async () => {
    await run(body, { clock: 'virtual' });
  });

  for (const policy of ['pct', 'random'] as const) {
    test(`${name}: explore (${policy}) finds it, replay reproduces it, shrink leaves a short trace`, async () => {
      const report = await explore(body, { policy, runs: 50, stopOnFailure: true });
      assert.equal(report.failures.length, 1, `not found in ${report.runs} ${policy} runs`);
      const failure = report.failures[0] as ExploreFailure;
      assert.match(firstLine(failure.error), expected);
      assert.equal(failure.nondeterministic, false);
      assert.notEqual(failure.run, 0, 'FIFO must pass');
      assert.equal(failure.policy, policy);

      // Replays: the failure (its shrunk trace), the original trace, and the seed.
      const same = (error: unknown): boolean => firstLine(error) === firstLine(failure.error);
      await assert.rejects(replay(body, failure), same);
      await assert.rejects(replay(body, failure.originalTrace), same);
      await assert.rejects(
        replay(body, { seed: failure.seed, policy, steps: failure.steps }),
        same,
      );

      const differing = failure.trace.filter((c) => c !== 0).length;
      assert.ok(differing >= 1 && differing <= 2, `shrunk to ${differing} non-FIFO choices`);
      assert.match(failure.description, /t\d+ \(\S+\) ran before t\d+ \(\S+\)|fired before/);
    });
  }
}

test('each bug program explores both styles and prints the shrunk schedule', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  for (const name of ['lost-update', 'lock-order', 'missed-wakeup', 'cache-double-fetch']) {
    // Compiled to dist/test/examples/: the programs are in dist/examples/bugs/.
    const file = fileURLToPath(new URL(`../../examples/bugs/${name}.js`, import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [file]);
    assert.match(
      stdout,
      /^async functions: found in \d+ runs\n\d+ choices, 1 differs from FIFO:\n/,
    );
    assert.match(stdout, /\ngenerators: found in \d+ runs\n/);
    assert.match(stdout, /ran before|fired before/);
  }
});
