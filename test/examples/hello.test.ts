// The talk's hello world in four styles (examples/hello/): the sequential program takes
// n × delay, the concurrent ones take one delay, and the output shows why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { helloAsync } from '../../examples/hello/async.js';
import { helloCallback } from '../../examples/hello/callback.js';
import { helloGenerator } from '../../examples/hello/generator.js';
import { helloSync } from '../../examples/hello/sync.js';
import { run } from '../../src/index.js';

type Clock = 'real' | 'virtual';
type Hello = (options: {
  n?: number;
  delayMs?: number;
  clock?: Clock;
  print?: (line: string) => void;
}) => number | Promise<number>;

// The concurrent examples are task bodies; each test runs one in a loop of its own.
const concurrent: [string, Hello][] = [
  ['callback', ({ clock, ...options }) => run(() => helloCallback(options), { clock })],
  ['generator', ({ clock, ...options }) => run(() => helloGenerator(options), { clock })],
  ['async', ({ clock, ...options }) => run(() => helloAsync(options), { clock })],
];

async function record(hello: Hello, options: { n?: number; delayMs?: number; clock?: Clock }) {
  const lines: string[] = [];
  const elapsed = await hello({ ...options, print: (line) => lines.push(line) });
  return { elapsed, lines };
}

const repeat = (line: string, n: number): string[] => Array.from({ length: n }, () => line);

test('the sequential program takes 10 × 3 s = 30 s, saying Hello and World! in turn', async () => {
  const { elapsed, lines } = await record(helloSync, { clock: 'virtual' });
  assert.equal(elapsed, 30_000);
  assert.deepEqual(
    lines,
    repeat('', 10).flatMap(() => ['Hello', 'World!']),
  );
});

for (const [style, hello] of concurrent) {
  test(`ten ${style} tasks take 3 s, not 30: ten Hellos, then ten Worlds`, async () => {
    const { elapsed, lines } = await record(hello, { clock: 'virtual' });
    assert.equal(elapsed, 3000);
    assert.deepEqual(lines, [...repeat('Hello', 10), ...repeat('World!', 10)]);
  });

  test(`${style}: n and delayMs are honoured (n = 3, 500 ms → 500 ms)`, async () => {
    const { elapsed, lines } = await record(hello, { n: 3, delayMs: 500, clock: 'virtual' });
    assert.equal(elapsed, 500);
    assert.deepEqual(lines, [...repeat('Hello', 3), ...repeat('World!', 3)]);
  });

  test(`${style}: the sleeps overlap in real time too`, async () => {
    const start = performance.now();
    const { elapsed, lines } = await record(hello, { n: 10, delayMs: 50, clock: 'real' });
    const wall = performance.now() - start;
    assert.equal(lines.length, 20);
    assert.ok(elapsed >= 49, `elapsed ${elapsed} ms, expected at least one delay`);
    // Ten sequential sleeps would take 500 ms; a loaded machine may add some, not that much.
    assert.ok(wall < 400, `took ${wall} ms of wall time for ten overlapping 50 ms sleeps`);
  });
}

test('sync: n and delayMs are honoured (n = 3, 500 ms → 1.5 s)', async () => {
  const { elapsed, lines } = await record(helloSync, { n: 3, delayMs: 500, clock: 'virtual' });
  assert.equal(elapsed, 1500);
  assert.deepEqual(lines, ['Hello', 'World!', 'Hello', 'World!', 'Hello', 'World!']);
});

test('sync: the real sleep blocks the thread, so even a timer due at once waits', async () => {
  let timerFiredAt: number | null = null;
  const start = performance.now();
  setTimeout(() => (timerFiredAt = performance.now() - start), 0);
  const elapsed = helloSync({ n: 3, delayMs: 20, print: () => {} });
  assert.equal(timerFiredAt, null, 'nothing else ran during the blocking sleeps');
  assert.ok(elapsed >= 59, `three 20 ms sleeps took ${elapsed} ms`);
  await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(timerFiredAt !== null && timerFiredAt >= 59);
});

test('the examples print nothing when imported, only when run', async () => {
  const script = ['sync', 'callback', 'generator', 'async']
    .map((style) => `await import(${JSON.stringify(new URL(`${style}.js`, examplesUrl).href)});`)
    .join('\n');
  const { stdout, code } = await node(['--input-type=module', '-e', script]);
  assert.equal(code, 0);
  assert.equal(stdout, '');
});

test('each concurrent example runs on its own: node dist/examples/hello/<style>.js', async () => {
  // 3 s of real time, the three in parallel; the sync one would take 30 s (see the
  // virtual-clock tests above and the e2e test of `simul hello --style sync`).
  const runs = await Promise.all(
    concurrent.map(([style]) => node([fileURLToPath(new URL(`${style}.js`, examplesUrl))])),
  );
  for (const { stdout, code } of runs) {
    assert.equal(code, 0);
    const lines = stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 20), [...repeat('Hello', 10), ...repeat('World!', 10)]);
    // The elapsed time, as the program prints it: at least the one 3 s delay, and nowhere
    // near the 30 s of ten sleeps in a row (a busy machine adds a little, not that much).
    const seconds = Number(/^\((\d+\.\d) s\)$/.exec(lines[20] ?? '')?.[1]);
    assert.ok(seconds >= 3 && seconds < 10, `the last line reads ${JSON.stringify(lines[20])}`);
  }
});

const examplesUrl = new URL('../../examples/hello/', import.meta.url);

function node(args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}
