/**
 * How many runs explore needs to find each bug of examples/bugs/, per policy: the median
 * and the worst over many base seeds, each exploration stopping at its first failure
 * (issue 9's target: PCT finds each within 50 runs, median over 100 base seeds). Run by
 * scripts/explore-bugs.js, from the build in dist (where the examples' `import 'simul'`
 * resolves to this package).
 */
import { explore } from '../src/index.js';
import { lostUpdateAsync, lostUpdateGenerator } from '../examples/bugs/lost-update.js';
import { lockOrderAsync, lockOrderGenerator } from '../examples/bugs/lock-order.js';
import { missedWakeupAsync, missedWakeupGenerator } from '../examples/bugs/missed-wakeup.js';
import {
  cacheDoubleFetchAsync,
  cacheDoubleFetchGenerator,
} from '../examples/bugs/cache-double-fetch.js';
import { median, table } from './harness.js';

const bugs: [string, string, () => unknown][] = [
  ['lost update', 'async', lostUpdateAsync],
  ['lost update', 'generator', lostUpdateGenerator],
  ['lock-order deadlock', 'async', lockOrderAsync],
  ['lock-order deadlock', 'generator', lockOrderGenerator],
  ['missed wake-up', 'async', missedWakeupAsync],
  ['missed wake-up', 'generator', missedWakeupGenerator],
  ['cache double fetch', 'async', cacheDoubleFetchAsync],
  ['cache double fetch', 'generator', cacheDoubleFetchGenerator],
];

/** Most runs one exploration may take; a miss counts as more. */
export const MAX_RUNS = 1000;
/** The issue's target: PCT's median. */
export const PCT_TARGET = 50;

/** The Markdown table, and whether PCT met the target for every bug. */
export async function runsToFind(seeds: number): Promise<{ markdown: string; met: boolean }> {
  const rows: string[][] = [];
  let met = true;
  for (const [bug, style, body] of bugs) {
    const cells = [bug, style];
    for (const policy of ['random', 'pct'] as const) {
      const found: number[] = [];
      for (let s = 0; s < seeds; s++) {
        // Base seeds far apart: run i of base seed b uses seed b + i.
        const report = await explore(body, {
          policy,
          seed: s * 100_000,
          runs: MAX_RUNS,
          stopOnFailure: true,
          shrink: false,
        });
        // Runs made, the FIFO run included.
        found.push(report.failures.length > 0 ? report.runs : MAX_RUNS + 1);
      }
      const worst = Math.max(...found);
      if (policy === 'pct' && median(found) > PCT_TARGET) met = false;
      cells.push(`${median(found)} (${worst > MAX_RUNS ? `not found in ${MAX_RUNS}` : worst})`);
    }
    const { failures } = await explore(body, {
      policy: 'pct',
      runs: MAX_RUNS,
      stopOnFailure: true,
    });
    const trace = failures[0]?.trace ?? [];
    cells.push(`${trace.filter((c) => c !== 0).length} of ${trace.length}`);
    rows.push(cells);
  }
  const markdown = table(
    [
      'bug',
      'style',
      'random: median runs (worst)',
      'pct: median runs (worst)',
      'shrunk trace: non-FIFO choices',
    ],
    rows,
  );
  return { markdown, met };
}
