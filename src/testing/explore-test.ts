/**
 * `exploreTest(name, body, options)`: a `node:test` test that explores `body` and fails with
 * the readable ExploreError (each failure, how to replay it, its shrunk schedule in words).
 * It lives in `simul/testing`, apart from the main entry point, so that importing `simul`
 * never loads `node:test`.
 */
import { test } from 'node:test';
import { explore, type ExploreOptions, type ExploreReport } from './explore.js';

/**
 * Declares a node:test test that explores `body` (1,000 runs by default) and fails on any
 * failing schedule.
 *
 * @example
 * import { exploreTest } from 'simul/testing';
 * exploreTest('two withdrawals never lose an update', async () => {
 *   const account = new Account(100);
 *   await all([spawn(() => account.withdraw(50)), spawn(() => account.withdraw(50))]);
 *   assert.equal(account.balance, 0);
 * }, { runs: 200, policy: 'pct' });
 */
export function exploreTest(
  name: string,
  body: () => unknown,
  options: Omit<ExploreOptions, 'strict'> = {},
): Promise<void> {
  return test(name, async (t) => {
    const report: ExploreReport = await explore(body, { ...options, strict: true });
    t.diagnostic(`${report.runs} schedules explored, none failed`);
  });
}
