// The `simul` command as a user runs it: a child process, its output and its exit status.
// Every hello runs under the virtual clock, so no test waits for the talk's 3 or 30 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/simul.js', import.meta.url));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function simul(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string): string[] => text.trimEnd().split('\n');
const repeat = (line: string, n: number): string[] => Array.from({ length: n }, () => line);

test('simul hello --style sync --virtual: alternates, and takes 30 s of virtual time', async () => {
  const { code, stdout, stderr } = await simul('hello', '--style', 'sync', '--virtual');
  assert.equal(stderr, '');
  assert.equal(code, 0);
  assert.deepEqual(lines(stdout), [
    ...repeat('', 10).flatMap(() => ['Hello', 'World!']),
    'elapsed: 30.000 s (virtual clock)',
  ]);
});

for (const style of ['callback', 'generator', 'async']) {
  test(`simul hello --style ${style} --virtual: ten Hellos, ten Worlds, 3 s`, async () => {
    const { code, stdout, stderr } = await simul('hello', '--style', style, '--virtual');
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.deepEqual(lines(stdout), [
      ...repeat('Hello', 10),
      ...repeat('World!', 10),
      'elapsed: 3.000 s (virtual clock)',
    ]);
  });
}

test('simul hello runs async tasks by default, and takes -n and --delay', async () => {
  const { code, stdout } = await simul('hello', '--virtual', '-n', '2', '--delay', '250');
  assert.equal(code, 0);
  assert.deepEqual(lines(stdout), [
    'Hello',
    'Hello',
    'World!',
    'World!',
    'elapsed: 0.250 s (virtual clock)',
  ]);
});

test('simul hello without --virtual waits for real (a short delay)', async () => {
  const { code, stdout } = await simul('hello', '--style', 'generator', '-n', '3', '--delay', '50');
  assert.equal(code, 0);
  const last = lines(stdout).at(-1) ?? '';
  const match = /^elapsed: (\d+\.\d{3}) s \(real clock\)$/.exec(last);
  assert.ok(match, `last line: ${last}`);
  assert.ok(Number(match[1]) >= 0.049, last);
});

const usageErrors: [string[], string][] = [
  [['hello', '--delay', 'abc'], 'error: --delay must be a number >= 0, got "abc"'],
  [['hello', '--delay', '-5'], 'error: --delay must be a number >= 0, got "-5"'],
  [['hello', '-n', '2.5'], 'error: -n must be a whole number >= 1, got "2.5"'],
  [['hello', '-n', '0'], 'error: -n must be a whole number >= 1, got "0"'],
  [['hello', '--style', 'thread'], "argument 'thread' is invalid"],
  [['hello', '--bogus'], "error: unknown option '--bogus'"],
  [['juggle'], "error: unknown command 'juggle'"],
];

for (const [args, message] of usageErrors) {
  test(`simul ${args.join(' ')}: says what is wrong and exits with status 2`, async () => {
    const { code, stdout, stderr } = await simul(...args);
    assert.equal(code, 2);
    assert.equal(stdout, '', 'nothing runs');
    assert.ok(stderr.includes(message), `stderr: ${stderr}`);
    assert.ok(stderr.includes('--help'), 'points to the help');
  });
}

test('simul --help lists the commands that exist', async () => {
  const { code, stdout } = await simul('--help');
  assert.equal(code, 0);
  assert.match(stdout, /Usage: simul/);
  assert.match(stdout, /^ {2}hello /m);
  assert.match(stdout, /^ {2}tour /m);
});

test('simul hello --help lists the styles that exist, and the defaults', async () => {
  const { code, stdout } = await simul('hello', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /"sync", "callback",\s+"generator", "async"/);
  assert.doesNotMatch(stdout, /thread|process/, 'those styles come with the executors');
  assert.match(stdout, /default: 10\)/);
  assert.match(stdout, /default: 3000\)/);
});

test('simul --version prints the package version', async () => {
  const { version } = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  const { code, stdout } = await simul('--version');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), version);
});

test("simul tour (npm start) shows every style and the talk's point, in seconds", async () => {
  const start = performance.now();
  const { code, stdout, stderr } = await simul('tour');
  const wall = performance.now() - start;
  assert.equal(stderr, '');
  assert.equal(code, 0);
  for (const style of ['sync', 'callback', 'generator', 'async']) {
    assert.match(stdout, new RegExp(`^${style} — .*\\(examples/hello/${style}\\.ts\\)$`, 'm'));
  }
  assert.match(stdout, /Hello ×10\n.*World! ×10/);
  assert.match(
    stdout,
    /sequential 30\.0 s; concurrent callback 3\.0 s, generator 3\.0 s, async 3\.0 s\./,
  );
  assert.ok(wall < 15_000, `the tour took ${wall} ms`);
});
