// Runs every compiled test file with Node's own test runner, on every Node version the
// project claims: the pinned one npm put first on PATH (24) and, when present, the
// machine's Node 20 (the oldest supported). Node 20's `--test` takes no globs, so the
// files are listed here.
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
const nodes = [process.execPath];
const oldest = process.env.SIMUL_NODE20 ?? '/usr/bin/node';
if (existsSync(oldest) && oldest !== process.execPath) nodes.push(oldest);

let failed = false;
for (const node of nodes) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n# simul tests on Node ${version} (${node})`);
  const result = spawnSync(node, ['--test', '--test-reporter=spec', ...selected], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
