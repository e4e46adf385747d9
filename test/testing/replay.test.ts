// replay(): one schedule exactly, from a trace or a seed; a trace that does not fit is a
// ReplayError saying how; bad sources are named. shrink() and describeTrace() on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  all,
  describeTrace,
  explore,
  replay,
  ReplayError,
  shrink,
  spawn,
  yieldNow,
} from '../../src/index.js';

/** Three tasks of three steps each, logging every step: the log is the schedule. */
function logger(style: 'async' | 'generator', log: string[]): () => unknown {
  const names = ['a', 'b', 'c'];
  if (style === 'async') {
    return async () => {
      log.length = 0;
      const tasks = names.map((name) =>
        spawn(
          async () => {
            for (let i = 0; i < 3; i++) {
              log.push(`${name}${i}`);
              await yieldNow();
            }
            return name;
          },
          { name },
        ),
      );
      return (await all(tasks)).join('');
    };
  }
  return function* () {
    log.length = 0;
    const tasks = names.map((name) =>
      spawn(
        function* () {
          for (let i = 0; i < 3; i++) {
            log.push(`${name}${i}`);
            yield* yieldNow();
          }
          return name;
        },
        { name },
      ),
    );
    return (yield* all(tasks)).join('');
  };
}

for (const style of ['async', 'generator'] as const) {
  test(`${style}: replay settles as run would, with the body's result`, async () => {
    const log: string[] = [];
    const body = logger(style, log);
    assert.equal(await replay(body, { seed: 0, policy: 'fifo' }), 'abc');
    // FIFO: each round runs a, b, c in spawn order.
    assert.deepEqual(log, ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
    const seeded = await replay(body, { seed: 3, policy: 'random' });
    assert.equal(seeded, 'abc');
  });

  test(`${style}: the same seed and the same trace give the same schedule`, async () => {
    const log: string[] = [];
    const body = logger(style, log);
    for (const policy of ['random', 'pct'] as const) {
      await replay(body, { seed: 11, policy });
      const first = [...log];
      await replay(body, { seed: 11, policy });
      assert.deepEqual(log, first, `${policy}: same seed, same order`);
    }
  });

  test(`${style}: a trace too short, out of range, or not used up is a ReplayError saying so`, async () => {
    const body = logger(style, []);
    await assert.rejects(replay(body, []), (error: unknown) => {
      assert.ok(error instanceof ReplayError);
      assert.equal(error.code, 'ERR_SIMUL_REPLAY');
      assert.match(
        error.message,
        /the trace is too short: the run needs choice #0 \(among \d+ ready steps\) but the trace holds only 0 choices/,
      );
      return true;
    });
    await assert.rejects(
      replay(body, [70]),
      /choice #0 of the trace is 70, out of range: there are only 6 ready steps to choose from \(0 to 5\)/,
    );
    const long = new Array(200).fill(0);
    await assert.rejects(replay(body, long), (error: unknown) => {
      assert.ok(error instanceof ReplayError);
      assert.match(
        error.message,
        /the run succeeded after \d+ choices, but the trace holds 200: choices #\d+ to #199 were never consumed/,
      );
      return true;
    });
  });
}

test('replay of an explore failure uses its (shrunk) trace; the seed gives the same error', async () => {
  const body = async (): Promise<void> => {
    const log: string[] = [];
    await all(
      ['x', 'y'].map((name) =>
        spawn(
          async () => {
            await yieldNow();
            log.push(name);
          },
          { name },
        ),
      ),
    );
    if (log[0] === 'y') throw new Error('y first');
  };
  const { failures } = await explore(body, { runs: 50, policy: 'pct', stopOnFailure: true });
  const failure = failures[0];
  assert.ok(failure !== undefined);
  await assert.rejects(replay(body, failure), /y first/);
  await assert.rejects(replay(body, { trace: failure.trace }), /y first/);
  await assert.rejects(
    replay(body, { seed: failure.seed, policy: 'pct', depth: failure.depth, steps: failure.steps }),
    /y first/,
  );
});

test('replay rejects bad arguments, naming them', () => {
  const body = async (): Promise<void> => {};
  assert.throws(
    () => replay('x' as never, []),
    /replay\(body, source\): body must be a function, got "x"/,
  );
  assert.throws(
    () => replay(body, 5 as never),
    /source must be an explore failure, a trace \(an array of choices\) or \{ seed, policy \}, got 5/,
  );
  assert.throws(
    () => replay(body, [0, -1]),
    /source\[1\] must be an integer >= 0 \(a choice\), got -1/,
  );
  assert.throws(() => replay(body, [0.5]), /source\[0\] must be an integer >= 0/);
  assert.throws(
    () => replay(body, { seed: 1 } as never),
    /source must have a trace, or both a seed and a policy/,
  );
  assert.throws(
    () => replay(body, { seed: 1, policy: 'lifo' } as never),
    /source.policy must be one of 'fifo', 'random', 'pct', got "lifo"/,
  );
  assert.throws(
    () => replay(body, { trace: 'abc' } as never),
    /source.trace must be an array of choices, got "abc"/,
  );
  assert.throws(
    () => replay(body, [], { maxSteps: 0 }),
    /replay: options.maxSteps must be an integer >= 1, got 0/,
  );
  assert.throws(() => replay(body, [], { steps: 1 } as never), /steps/);
});

for (const style of ['async', 'generator'] as const) {
  test(`${style}: shrink leaves the fewest non-FIFO choices that fail the same way`, async () => {
    const log: string[] = [];
    // Fails when c's last step comes before a's last step: one choice can cause it.
    const failing =
      style === 'async'
        ? async () => {
            await (logger('async', log) as () => Promise<unknown>)();
            if (log.indexOf('c2') < log.indexOf('a2')) throw new Error('c finished before a');
          }
        : function* () {
            yield* (logger('generator', log) as () => Generator<unknown, unknown, unknown>)();
            if (log.indexOf('c2') < log.indexOf('a2')) throw new Error('c finished before a');
          };
    // A noisy failing trace: as a random schedule recorded it, unshrunk.
    const report = await explore(failing, { runs: 100, shrink: false, stopOnFailure: true });
    const noisy = report.failures[0]?.trace ?? [];
    assert.ok(noisy.filter((c) => c !== 0).length > 1, `a noisy trace: ${noisy.join()}`);
    const result = await shrink(failing, noisy);
    assert.match(String(result.error), /c finished before a/);
    const differing = result.trace.filter((c) => c !== 0).length;
    assert.ok(
      differing >= 1 && differing < noisy.filter((c) => c !== 0).length,
      `${differing} left`,
    );
    await assert.rejects(replay(failing, result.trace), /c finished before a/);
    assert.ok(result.runs > 1);
  });
}

test('shrink of a trace that does not fail is refused; bad arguments are named', async () => {
  const body = async (): Promise<void> => {};
  await assert.rejects(
    shrink(body, []),
    /shrink\(body, trace\): trace does not fail: nothing to shrink/,
  );
  assert.throws(
    () => shrink(body, [1.5]),
    /shrink\(body, trace\): trace\[0\] must be an integer >= 0/,
  );
  assert.throws(
    () => shrink(body, [], { maxRuns: -1 }),
    /options.maxRuns must be an integer >= 0, got -1/,
  );
  assert.throws(
    () => describeTrace(body, 'x' as never),
    /describeTrace\(body, trace\): trace must be an array of choices/,
  );
});
