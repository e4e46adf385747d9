// Whole-process behaviour of the loop: what happens when Node's event loop empties, and
// how signals stop a run. Each case runs a fixture program in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}.js`, import.meta.url));

test('under the real clock, an empty Node event loop with waiting tasks is reported as a deadlock', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture('real-deadlock')]);
  const [kind, ...message] = stdout.trim().split('\n');
  assert.equal(kind, 'DeadlockError');
  assert.match(message.join('\n'), /#2 stuck \[waiting\]\n\s+waiting on a foreign promise/);
});

function startFixture(args: string[]): {
  child: ReturnType<typeof spawn>;
  output: () => string;
  ready: Promise<void>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [fixture('graceful-signal'), ...args]);
  let out = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('ready')) markReady();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, ready, exit };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`handleSignals: ${signal} cancels the root gracefully (finally blocks run)`, async () => {
    const { child, output, ready, exit } = startFixture([]);
    await ready;
    child.kill(signal);
    assert.equal(await exit, 0);
    assert.match(output(), /finally ran\ncancelled by SIG/);
  });
}

test('handleSignals: a second signal exits at once', async () => {
  const { child, output, ready, exit } = startFixture(['hang-cleanup']);
  await ready;
  child.kill('SIGINT');
  while (!output().includes('finally ran')) await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGINT');
  assert.equal(await exit, 130);
});
