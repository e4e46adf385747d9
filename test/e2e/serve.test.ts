// `simul serve app.js --workers N` as a user runs it: its usage errors, and apps written
// both ways (a `main` export in async style, a default export in generator style).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { alive, bin, eventually, get, startServe } from '../cluster/helpers.js';
import { reusePortUnsupported } from '../../src/io/server-registry.js';

const app = fileURLToPath(new URL('../../examples/cluster/app.js', import.meta.url));
const fixtures = new URL('../cluster/fixtures/', import.meta.url);
const defaultExport = fileURLToPath(new URL('default-export.js', fixtures));
const noMain = fileURLToPath(new URL('no-main.js', fixtures));

function serveNow(...args: string[]): { code: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [bin, 'serve', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stderr: result.stderr };
}

test('simul serve --workers takes a positive integer only, and says so naming the flag', () => {
  for (const value of ['0', '-1', '2.5', 'two', '']) {
    const { code, stderr } = serveNow(app, `--workers=${value}`);
    assert.equal(code, 2, value);
    assert.match(
      stderr,
      new RegExp(
        `error: --workers must be a positive integer \\(how many worker processes\\), got "${value.replace('.', '\\.')}"`,
      ),
    );
  }
});

test('simul serve: a module that is not there, or exports no main function, is a clear error', () => {
  const missing = serveNow('no/such/app.js', '--workers', '1');
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /error: cannot find the app module "no\/such\/app\.js" \(looked at /,
  );

  const wrong = serveNow(noMain, '--workers', '1');
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stderr,
    /must export its main function as "main" \(or as its default export\), but its "main" export is a string/,
  );

  const notApp = serveNow('--workers', '1');
  assert.equal(notApp.code, 2);
  assert.match(notApp.stderr, /missing required argument 'module'/);
});

test(
  'simul serve --reuse-port where node or the system lacks it: a usage error saying why',
  {
    skip: reusePortUnsupported() === null ? 'this node and system have reusePort' : false,
  },
  () => {
    const { code, stderr } = serveNow(app, '--workers', '1', '--reuse-port');
    assert.equal(code, 2);
    assert.match(
      stderr,
      /error: --reuse-port cannot be used here: node [\d.]+ has no reusePort option/,
    );
  },
);

test('simul serve examples/cluster/app.js --workers 2: both workers answer; SIGTERM exits 0', async () => {
  const primary = startServe([app, '--workers', '2'], { PORT: '0', INSTANCE: 'a' });
  try {
    const matches = await primary.waitFor(/worker (\d+) listening on 127\.0\.0\.1:(\d+)/, 2);
    const port = Number(matches[0]?.[2]);
    const pids = matches.map((m) => Number(m[1]));
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await get(port)).body.trim());
    assert.deepEqual([...seen].sort(), pids.map((pid) => `instance a worker ${pid}`).sort());
    primary.child.kill('SIGTERM');
    assert.equal((await primary.exited).code, 0, primary.output);
    await eventually('the workers are gone', () => pids.every((pid) => !alive(pid)));
  } finally {
    await primary.kill();
  }
});

test('simul serve takes a default export written as a generator', async () => {
  const primary = startServe([defaultExport, '--workers', '1', '--grace-ms', '2000']);
  try {
    const { port, pids } = await primary.listening(1);
    assert.deepEqual(await get(port), { status: 200, body: `generator ${pids[0]}\n` });
    primary.child.kill('SIGINT');
    assert.equal((await primary.exited).code, 0, primary.output);
  } finally {
    await primary.kill();
  }
});
