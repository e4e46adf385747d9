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
  [['hello', '--style', 'greenlet'], "argument 'greenlet' is invalid"],
  [['chess', '--boards', '0'], 'error: --boards must be a whole number >= 1, got "0"'],
  [['chess', '--moves', 'many'], 'error: --moves must be a whole number >= 1, got "many"'],
  [['chess', '--master-ms', '-1'], 'error: --master-ms must be a number >= 0, got "-1"'],
  [['chess', '--opponent-ms', 'x'], 'error: --opponent-ms must be a number >= 0, got "x"'],
  [['pitfall', '--step-ms', 'long'], 'error: --step-ms must be a number >= 0, got "long"'],
  [['pitfall', '--slice-ms', '0'], 'error: --slice-ms must be a number > 0, got "0"'],
  [['compare', '--budget-mb', '0'], 'error: --budget-mb must be a number > 0, got "0"'],
  [['compare', '--budget-mb', 'lots'], 'error: --budget-mb must be a number > 0, got "lots"'],
  [['compare', '--time-limit', '-3'], 'error: --time-limit must be a number > 0, got "-3"'],
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
  for (const command of ['chess', 'pitfall', 'compare']) {
    assert.match(stdout, new RegExp(`^ {2}${command} `, 'm'));
  }
});

test('simul hello --help lists the styles that exist, and the defaults', async () => {
  const { code, stdout } = await simul('hello', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /"sync", "callback",\s+"generator", "async",\s+"thread", "process"/);
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

for (const style of ['thread', 'process']) {
  test(`simul hello --style ${style} --virtual: runs in real time, says so, and overlaps`, async () => {
    const args = ['hello', '--style', style, '--virtual', '-n', '5', '--delay', '1000'];
    const { code, stdout, stderr } = await simul(...args);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const out = lines(stdout);
    assert.match(out[0] ?? '', /cannot sleep on the virtual clock: .* real time/);
    assert.deepEqual(out.slice(1, 11).sort(), [...repeat('Hello', 5), ...repeat('World!', 5)]);
    const match = /^elapsed: (\d+\.\d{3}) s \(real clock\)$/.exec(out.at(-1) ?? '');
    assert.ok(match, out.at(-1));
    // One after the other would take 5 s; at once, 1 s plus the time to start them.
    assert.ok(Number(match[1]) >= 1 && Number(match[1]) < 5, out.at(-1));
  });
}

test('simul chess: 12 h one board after the other, about 1 h all at once, and the master waiting', async () => {
  const { code, stdout, stderr } = await simul('chess');
  assert.equal(stderr, '');
  assert.equal(code, 0);
  assert.match(stdout, /^one board after the other: +12:00:00 /m);
  assert.match(stdout, /^all boards at once: +1:00:55 +\(11\.8× sooner/m);
  assert.match(stdout, /^ +0:00 +board 1, move 1$/m);
  assert.match(
    stdout,
    /^ +2:00 +board 1, move 2 — its opponent answered at 1:00: waited 1:00 for her$/m,
  );
  assert.match(stdout, /busy 1:00:00, waiting for opponents 0:00 \(0%\)/);
  assert.match(stdout, /^ {2}0:00 \|█{60}\| 1:00:00$/m);
  // Slower opponents than a round (24 × 5 s): the master now waits at boards.
  assert.match(stdout, /say 4:00 \(--opponent-ms 240000\)/);
  assert.match(stdout, /waiting for opponents 1:00:25 \(50%\)/);
});

test('simul chess --opponent-ms longer than a round: the master waits', async () => {
  const { code, stdout } = await simul(
    'chess',
    '--boards',
    '4',
    '--moves',
    '3',
    '--opponent-ms',
    '60000',
  );
  assert.equal(code, 0);
  assert.match(stdout, /^one board after the other: +13:00 /m);
  assert.match(stdout, /the opponents think longer than a round/);
  assert.match(stdout, /^ +1:05 +board 1, move 2 — she waited for its opponent to answer$/m);
  assert.match(stdout, /waiting for opponents 1:30 \(60%\)/);
});

test('simul pitfall: the plain step delays the timer by the step; yieldNow and toThread do not', async () => {
  const { code, stdout, stderr } = await simul('pitfall', '--step-ms', '300');
  assert.equal(stderr, '');
  assert.equal(code, 0);
  const late = (caption: string): number => {
    const match = new RegExp(`${caption}.* timer late by +([\\d.]+) ms`).exec(stdout);
    assert.ok(match, `${caption}: ${stdout}`);
    return Number(match[1]);
  };
  const plain = late('plain: the step holds the loop');
  assert.ok(plain > 250, `plain: ${plain}`);
  assert.ok(late('yieldNow\\(\\) every 5 ms') < plain / 3);
  assert.ok(late('toThread\\(step\\)') < plain / 3);
  assert.match(
    stdout,
    /simul warning: task #\d+ \(cpu-bound step\) held the loop for \d+\.\d ms in one step/,
  );
});

test('simul tour (npm start): hello, chess, pitfall and a quick compare, in about a minute', async () => {
  const start = performance.now();
  const { code, stdout, stderr } = await simul('tour');
  const wall = performance.now() - start;
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^sync — .*\(examples\/hello\/sync\.ts\)$/m);
  assert.match(stdout, /^async — .*\(examples\/hello\/async\.ts\)$/m);
  assert.match(stdout, /Hello ×10\n.*World! ×10/);
  assert.match(stdout, /sequential 30\.0 s, async 3\.0 s\./);
  for (const part of [
    '1. hello world',
    '2. the chess master',
    '3. the pitfall',
    '4. the comparison',
  ]) {
    assert.match(stdout, new RegExp(`^── ${part} \\(npx simul `, 'm'));
  }
  assert.match(stdout, /^all boards at once: +1:00:55/m);
  assert.match(stdout, /timer late by/);
  assert.match(stdout, /^ {2}[✓✗?] scalability: simul tasks/m);
  assert.match(stdout, /npx simul hello --style thread/);
  assert.ok(wall < 120_000, `the tour took ${wall} ms`);
});
