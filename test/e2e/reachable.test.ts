// The command as a user types it: `npx simul ...` in a project that has simul installed
// (npm links the package's bin into node_modules/.bin), and in a clone of the repository
// (npm exec finds the project's own bin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const run = promisify(execFile);

test('package.json names the command simul, and a script runs it from a clone', () => {
  assert.equal(pkg.bin['simul'], './dist/bin/simul.js');
  assert.match(pkg.scripts['simul'] ?? '', /node dist\/bin\/simul\.js/);
});

test('npx simul, where the package is installed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simul-npx-'));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'user-project', private: true }),
    );
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'simul'), 'dir');
    symlinkSync('../simul/dist/bin/simul.js', join(dir, 'node_modules', '.bin', 'simul'));
    const { stdout } = await run(
      'npx',
      ['--no-install', 'simul', 'chess', '--boards', '2', '--moves', '1'],
      {
        cwd: dir,
      },
    );
    assert.match(stdout, /^simul chess: 2 boards, 1 moves a game/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npx simul, in a clone of the repository', async () => {
  const { stdout } = await run('npx', ['--no-install', 'simul', '--version'], { cwd: root });
  assert.equal(stdout.trim(), pkg.version);
});
