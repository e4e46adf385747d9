// main(body): a program's entry point, tested as a user meets it: a program run in a child
// process (test/fixtures/main-program.ts), its exit status and what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main, run } from '../../src/index.js';

const program = fileURLToPath(new URL('../fixtures/main-program.js', import.meta.url));

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the program; with `signal`, sends it once the program has printed "ready". */
function runProgram(style: string, scenario: string, signal?: NodeJS.Signals): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [program, style, scenario], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (signal !== undefined && !sent && stdout.includes('ready')) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const count = (text: string, part: string): number => text.split(part).length - 1;

for (const style of ['async', 'generator']) {
  test(`${style}: a program that succeeds exits with 0 and prints nothing to stderr`, async () => {
    const { code, stdout, stderr } = await runProgram(style, 'success');
    assert.equal(stderr, '');
    assert.equal(stdout, 'done\n');
    assert.equal(code, 0);
  });

  test(`${style}: an uncaught error is printed once, with the program's frames only, and exits with 1`, async () => {
    const { code, stdout, stderr } = await runProgram(style, 'throw');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(count(stderr, 'no such user: 42'), 1, stderr);
    const [header, ...frames] = stderr.trimEnd().split('\n');
    assert.equal(header, 'Error: no such user: 42');
    assert.ok(frames.length > 0, 'the frames of the program are shown');
    for (const frame of frames) {
      assert.match(frame, /^ {4}at .*main-program\.js:\d+:\d+\)?$/, stderr);
    }
    assert.doesNotMatch(stderr, /node:internal|dist\/src\//);
  });

  test(`${style}: a TaskGroupError is printed with each of its errors`, async () => {
    const { code, stderr } = await runProgram(style, 'group');
    assert.equal(code, 1);
    assert.match(stderr, /^TaskGroupError: 2 errors:\n {2}\[1\] Error: first\n/);
    assert.match(stderr, /\n {2}\[2\] RangeError: second\n/);
    assert.equal(count(stderr, 'Error: first'), 1, stderr);
    assert.equal(count(stderr, 'RangeError: second'), 1, stderr);
    assert.doesNotMatch(stderr, /node:internal|dist\/src\//);
  });

  // stdout is asynchronous when it is a pipe: process.exit() here would cut it at 64 KB.
  test(`${style}: the output written before a failure reaches the pipe whole`, async () => {
    const { code, stdout, stderr } = await runProgram(style, 'flood');
    assert.equal(code, 1);
    assert.equal(stdout, 'x'.repeat(1 << 20) + '\n');
    assert.match(stderr, /^Error: after the flood\n/);
  });

  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${style}: ${signal} cancels the program, its finally blocks run, and it exits with ${status}`, async () => {
      const { code, stdout, stderr } = await runProgram(style, 'signal', signal);
      assert.equal(stdout, 'ready\nfinally ran\n');
      assert.equal(stderr, '', 'a stop asked for is not an error to report');
      assert.equal(code, status);
    });
  }
}

test('main validates its body and options like run, under its own name', () => {
  assert.throws(() => main(5 as never), {
    name: 'TypeError',
    message: 'main(body): body must be a function, got 5',
  });
  assert.throws(() => main(() => {}, { clock: 'fake' as never }), {
    message: "main: options.clock must be one of 'real', 'virtual', got \"fake\"",
  });
  assert.throws(() => main(() => {}, { timeOut: 5 } as never), {
    message:
      'main(body, options): unknown option "timeOut"; the options are "clock", "schedule", ' +
      '"debug", "onWarning", "instruments", "name", "maxSteps"',
  });
  assert.throws(() => main(() => {}, { handleSignals: false } as never), {
    message:
      'main(body, options): options.handleSignals cannot be set: main always handles ' +
      'SIGINT and SIGTERM (use run() to choose)',
  });
});

test('main cannot be called inside a running task', async () => {
  await run(async () => {
    assert.throws(() => main(() => {}), /main\(\) cannot be called inside a running task/);
  });
});
