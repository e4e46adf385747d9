// How main() reports an uncaught error: name and message, the program's own frames, and
// everything the error holds (the errors of a group, a cause), never Node's or simul's frames.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatError } from '../../src/core/error-report.js';
import { run, sleep, spawn, TaskGroupError } from '../../src/index.js';

const thisFile = /error-report\.test\.js:\d+:\d+\)?$/;

async function failure(body: () => unknown): Promise<unknown> {
  return run(body, { clock: 'virtual' }).then(
    () => assert.fail('the run should fail'),
    (error: unknown) => error,
  );
}

for (const [style, body] of [
  [
    'async',
    async () => {
      await sleep(5);
      throw new Error('broken');
    },
  ],
  [
    'generator',
    function* () {
      yield* sleep(5);
      throw new Error('broken');
    },
  ],
] as const) {
  test(`${style}: the report keeps the program's frames and drops simul's and Node's`, async () => {
    const [header, ...frames] = formatError(await failure(body)).split('\n');
    assert.equal(header, 'Error: broken');
    assert.ok(frames.length > 0);
    for (const frame of frames) assert.match(frame, thisFile);
  });
}

const failTwice = {
  async: async () => {
    spawn(async () => {
      throw new Error('one');
    });
    spawn(async () => {
      throw new TypeError('two');
    });
  },
  generator: function* () {
    spawn(function* () {
      throw new Error('one');
    });
    spawn(function* () {
      throw new TypeError('two');
    });
  },
};

for (const [style, body] of Object.entries(failTwice)) {
  test(`${style}: a TaskGroupError lists every error, in order, each with its frames`, async () => {
    const error = await failure(body);
    assert.ok(error instanceof TaskGroupError);
    const lines = formatError(error).split('\n');
    assert.equal(lines[0], 'TaskGroupError: 2 errors:');
    assert.equal(lines[1], '  [1] Error: one');
    assert.match(lines[2], /^ {10}at /);
    assert.match(lines[2], thisFile);
    assert.equal(lines[3], '  [2] TypeError: two');
    assert.match(lines[4], thisFile);
    assert.equal(lines.length, 5);
  });
}

test('a cause is shown under the error it caused', () => {
  const error = new Error('could not load the settings', { cause: new Error('ENOENT') });
  const lines = formatError(error).split('\n');
  assert.equal(lines[0], 'Error: could not load the settings');
  assert.ok(lines.includes('  [cause] Error: ENOENT'), lines.join('\n'));
});

test('a multi-line message is printed whole, and an error is printed once even in a cycle', () => {
  const error = new Error('deadlock: every task is waiting\n#1 main [waiting]');
  error.cause = error;
  const report = formatError(error);
  assert.ok(report.startsWith('Error: deadlock: every task is waiting\n#1 main [waiting]\n'));
  assert.equal(report.split('#1 main').length - 1, 1);
});

test('a thrown value that is not an Error is shown as it is', () => {
  assert.equal(formatError('boom'), "Uncaught 'boom'");
  assert.equal(formatError({ code: 7 }), 'Uncaught { code: 7 }');
  const lines = formatError(new TaskGroupError([new Error('a'), 'b'])).split('\n');
  assert.equal(lines.at(-1), "  [2] 'b'");
});
