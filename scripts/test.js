// Runs every compiled test file with Node's own test runner, on every Node version the
// project claims. Node 20's `--test` takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out.sort();
}

const files = testFiles('dist/test');
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
// Every Node the project claims, once each: whichever runs this script, the pinned Node 24
// from node_modules, and the machine's Node 20 (the oldest supported).
const candidates = [
  process.execPath,
  'node_modules/node/bin/node',
  process.env.SIMUL_NODE20 ?? '/usr/bin/node',
];
const nodes = [];
const seen = new Set();
for (const node of candidates) {
  if (!existsSync(node)) continue;
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (version && !seen.has(version)) {
    seen.add(version);
    nodes.push({ node, version });
  }
}

let failed = false;
for (const { node, version } of nodes) {
  console.log(`\n# simul tests on Node ${version} (${node})`);
  const result = spawnSync(node, ['--test', '--test-reporter=spec', ...selected], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
