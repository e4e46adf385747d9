// A private copy of a build for the bench scripts (scripts/bench.js, scripts/bench-compare.js).
// Other work on a checkout may rebuild its dist while a long run is in progress, and one
// measurement must measure one build. The copy lives outside the checkout (so that lint never
// sees it), as an ES module package that finds the peers through a link to a node_modules,
// and is removed when the process exits.
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Copies `dirs` (default src and bench) of the build `dist` into a fresh temporary folder
 * and returns its path: `<copy>/bench/worker.js` imports `<copy>/src/index.js`, and
 * `<copy>/node_modules` links to `nodeModules`.
 */
export function snapshotBuild(
  dist,
  { dirs = ['src', 'bench'], nodeModules = 'node_modules' } = {},
) {
  for (const dir of dirs) {
    if (!existsSync(join(dist, dir))) {
      throw new Error(`${join(dist, dir)} not found: is ${dist} a build (run \`npm run build\`)?`);
    }
  }
  const copy = mkdtempSync(join(os.tmpdir(), 'simul-bench-'));
  process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
  // Ctrl-C's default action would skip 'exit' and leave the copy behind. Ctrl-C reaches the
  // running bench child too, so a parent blocked in spawnSync gets control back first, and
  // must stop there (see scripts/bench-compare.js).
  if (process.listenerCount('SIGINT') === 0) process.once('SIGINT', () => process.exit(130));
  for (const dir of dirs) cpSync(join(dist, dir), join(copy, dir), { recursive: true });
  writeFileSync(join(copy, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(resolve(nodeModules), join(copy, 'node_modules'), 'dir');
  return copy;
}
