// explore(): run 0 is FIFO, one schedule per run, each distinct failure once, replayable,
// shrunk and described; strict mode throws a readable error; bad options are named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  all,
  callLater,
  describeTrace,
  explore,
  ExploreError,
  Lock,
  replay,
  sleep,
  spawn,
  until,
  yieldNow,
  type ExploreFailure,
} from '../../src/index.js';
import { exploreTest } from '../../src/testing/index.js';

/** Two tasks that each add to a counter after one task switch: a lost update (FIFO fails it). */
function racyCounter(style: 'async' | 'generator'): () => unknown {
  if (style === 'async') {
    return async () => {
      let n = 0;
      const add = async (): Promise<void> => {
        const seen = n;
        await yieldNow();
        n = seen + 1;
      };
      await all([spawn(add), spawn(add)]);
      if (n !== 2) throw new Error(`lost update: n is ${n}`);
    };
  }
  return function* () {
    let n = 0;
    const add = function* (): Generator<unknown, void, unknown> {
      const seen = n;
      yield* yieldNow();
      n = seen + 1;
    };
    yield* all([spawn(add), spawn(add)]);
    if (n !== 2) throw new Error(`lost update: n is ${n}`);
  };
}

/** Fails only when the task named `late` runs its second step before `early` runs its first. */
function orderBug(style: 'async' | 'generator'): () => unknown {
  if (style === 'async') {
    return async () => {
      const log: string[] = [];
      const early = spawn(
        async () => {
          await yieldNow();
          log.push('early');
        },
        { name: 'early' },
      );
      const late = spawn(
        async () => {
          await yieldNow();
          log.push('late');
        },
        { name: 'late' },
      );
      await all([early, late]);
      if (log[0] === 'late') throw new Error('late ran first');
    };
  }
  return function* () {
    const log: string[] = [];
    const early = spawn(
      function* () {
        yield* yieldNow();
        log.push('early');
      },
      { name: 'early' },
    );
    const late = spawn(
      function* () {
        yield* yieldNow();
        log.push('late');
      },
      { name: 'late' },
    );
    yield* all([early, late]);
    if (log[0] === 'late') throw new Error('late ran first');
  };
}

for (const style of ['async', 'generator'] as const) {
  test(`${style}: run 0 is the FIFO schedule, recorded as zeros`, async () => {
    const report = await explore(racyCounter(style), { runs: 5 });
    assert.equal(report.runs, 5);
    assert.equal(report.failures.length, 1, 'one distinct failure, counted once');
    const failure = report.failures[0] as ExploreFailure;
    assert.equal(failure.run, 0);
    assert.equal(failure.policy, 'fifo');
    assert.ok(failure.trace.length > 0 && failure.trace.every((c) => c === 0));
    assert.match(failure.description, /all FIFO/);
    await assert.rejects(replay(racyCounter(style), failure), /lost update: n is 1/);
  });

  for (const policy of ['random', 'pct'] as const) {
    test(`${style}: ${policy} finds an order bug FIFO misses, with its seed and trace`, async () => {
      const body = orderBug(style);
      const report = await explore(body, { runs: 100, policy, seed: 7 });
      assert.equal(report.runs, 100);
      assert.equal(report.failures.length, 1);
      const failure = report.failures[0] as ExploreFailure;
      assert.ok(failure.run > 0);
      assert.equal(failure.seed, 7 + failure.run);
      assert.equal(failure.nondeterministic, false);
      assert.equal(failure.trace.filter((c) => c !== 0).length, 1, 'shrunk to one choice');
      assert.match(
        failure.description,
        /1 differs from FIFO:\n {2}after step \d+ at 0 ms: t3 \(late\) ran before t2 \(early\)/,
      );
      await assert.rejects(replay(body, failure), /late ran first/);
      await assert.rejects(replay(body, failure.originalTrace), /late ran first/);
      await assert.rejects(replay(body, failure), /late ran first/);
      await assert.rejects(
        replay(body, { seed: failure.seed, policy, depth: failure.depth, steps: failure.steps }),
        /late ran first/,
      );
    });
  }

  test(`${style}: stopOnFailure stops at the first failing run`, async () => {
    const report = await explore(orderBug(style), { runs: 1000, stopOnFailure: true });
    assert.equal(report.failures.length, 1);
    assert.equal(report.runs, (report.failures[0] as ExploreFailure).run + 1);
  });

  test(`${style}: a correct program has no failures in any schedule`, async () => {
    const body =
      style === 'async'
        ? async () => {
            const lock = new Lock();
            let n = 0;
            const add = async (): Promise<void> => {
              await lock.acquire();
              try {
                const seen = n;
                await yieldNow();
                n = seen + 1;
              } finally {
                lock.release();
              }
            };
            await all([spawn(add), spawn(add), spawn(add)]);
            if (n !== 3) throw new Error(`n is ${n}`);
          }
        : function* () {
            const lock = new Lock();
            let n = 0;
            const add = function* (): Generator<unknown, void, unknown> {
              yield* lock.acquire();
              try {
                const seen = n;
                yield* yieldNow();
                n = seen + 1;
              } finally {
                lock.release();
              }
            };
            yield* all([spawn(add), spawn(add), spawn(add)]);
            if (n !== 3) throw new Error(`n is ${n}`);
          };
    for (const policy of ['random', 'pct'] as const) {
      const report = await explore(body, { runs: 200, policy });
      assert.deepEqual(report, { runs: 200, failures: [] });
    }
  });
}

test('timers due at the same instant are choices, described as timers', async () => {
  // Two callbacks due at t=10, set in one step: which fires first is a timer choice only.
  const body = async (): Promise<void> => {
    const order: string[] = [];
    callLater(10, () => order.push('a'));
    callLater(10, () => order.push('b'));
    await sleep(20);
    if (order[0] === 'b') throw new Error('the later timer fired first');
  };
  const report = await explore(body, { runs: 100, stopOnFailure: true });
  const failure = report.failures[0] as ExploreFailure;
  assert.ok(failure !== undefined && failure.run > 0, 'FIFO passes and explore finds it');
  assert.equal(failure.trace[0], 1);
  assert.ok(failure.trace.slice(1).every((c) => c === 0));
  assert.match(
    failure.description,
    /at 10 ms: a callback timer \(set 2nd\) fired before a callback timer \(set 1st\) \(2 timers due at the same instant\)/,
  );
  await assert.rejects(replay(body, failure.trace), /the later timer fired first/);
  await replay(
    body,
    failure.trace.map(() => 0),
  );
});

for (const style of ['async', 'generator'] as const) {
  test(`${style}: the sleeps of two tasks due at once are a timer choice, named by task`, async () => {
    const order: string[] = [];
    const sleeper = (name: string): (() => unknown) =>
      style === 'async'
        ? async () => {
            await sleep(10);
            order.push(name);
          }
        : function* () {
            yield* sleep(10);
            order.push(name);
          };
    const body = async (): Promise<void> => {
      order.length = 0;
      spawn(sleeper('a'), { name: 'a' });
      spawn(sleeper('b'), { name: 'b' });
      await sleep(20);
      if (order[0] === 'b') throw new Error('b woke first');
    };
    // The choices: a and b's first steps (FIFO), the two timers due at t=10 (take the
    // second: b's), then the two woken steps (FIFO: b, whose timer fired first).
    const text = await describeTrace(body, [0, 1, 0]);
    assert.match(text, /at 10 ms: the timer of t3 \(b\) fired before the timer of t2 \(a\)/);
    assert.match(text, /the run failed: Error: b woke first/);
    await assert.rejects(replay(body, [0, 1, 0]), /b woke first/);
  });
}

test('strict mode throws an ExploreError that says what failed and how to replay it', async () => {
  const body = orderBug('async');
  await assert.rejects(explore(body, { runs: 100, strict: true }), (error: unknown) => {
    assert.ok(error instanceof ExploreError);
    assert.equal(error.code, 'ERR_SIMUL_EXPLORE');
    assert.equal(error.report.failures.length, 1);
    assert.match(error.message, /^explore found 1 failing schedule in 100 runs/);
    assert.match(error.message, /1\) Error: late ran first/);
    assert.match(
      error.message,
      /replay: replay\(body, \{ seed: \d+, policy: 'random' \}\) or replay\(body, \[[\d,]+\]\)/,
    );
    assert.match(error.message, /t3 \(late\) ran before t2 \(early\)/);
    return true;
  });
  // Strict and passing: resolves with the report.
  const ok = await explore(async () => {}, { runs: 3, strict: true });
  assert.deepEqual(ok, { runs: 3, failures: [] });
});

test('shrink: false keeps the trace as the run recorded it', async () => {
  const report = await explore(orderBug('generator'), {
    runs: 100,
    shrink: false,
    stopOnFailure: true,
  });
  const failure = report.failures[0] as ExploreFailure;
  assert.deepEqual(failure.trace, failure.originalTrace);
});

test('failures with different messages are each reported once', async () => {
  const body = async (): Promise<void> => {
    const log: string[] = [];
    await all(
      ['a', 'b', 'c'].map((name) =>
        spawn(async () => {
          await yieldNow();
          log.push(name);
        }),
      ),
    );
    if (log[0] !== 'a') throw new Error(`${log[0]} went first`);
  };
  const report = await explore(body, { runs: 300 });
  const messages = report.failures.map((f) => (f.error as Error).message).sort();
  assert.deepEqual(messages, ['b went first', 'c went first']);
});

test('explore rejects bad arguments, naming them', () => {
  assert.throws(() => explore(42 as never), /explore\(body\): body must be a function, got 42/);
  assert.throws(
    () => explore(async () => {}, { runs: 0 }),
    /explore: options.runs must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => explore(async () => {}, { policy: 'fifo' as never }),
    /options.policy must be one of 'random', 'pct', got "fifo"/,
  );
  assert.throws(
    () => explore(async () => {}, { depth: 0 }),
    /options.depth must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => explore(async () => {}, { maxSteps: 1.5 }),
    /options.maxSteps must be an integer >= 1, got 1.5/,
  );
  assert.throws(
    () => explore(async () => {}, { strict: 'yes' as never }),
    /options.strict must be a boolean, got "yes"/,
  );
  assert.throws(() => explore(async () => {}, { run: 3 } as never), /run/);
});

test('explore inside a running task is refused', async () => {
  const { run } = await import('../../src/index.js');
  await run(async () => {
    assert.throws(
      () => explore(async () => {}),
      /explore\(\) cannot be called inside a running task/,
    );
  });
});

test('a foreign promise in the mix: explored runs wait for it like run does', async () => {
  const body = async (): Promise<void> => {
    const log: string[] = [];
    const a = spawn(async () => {
      await until(new Promise((resolve) => setImmediate(resolve)));
      log.push('a');
    });
    const b = spawn(async () => {
      await yieldNow();
      log.push('b');
    });
    await all([a, b]);
    if (log.length !== 2) throw new Error('lost a task');
  };
  const report = await explore(body, { runs: 20 });
  assert.deepEqual(report.failures, []);
});

exploreTest(
  'exploreTest: a locked counter never loses an update (a node:test test of its own)',
  async () => {
    const lock = new Lock();
    let n = 0;
    await all(
      [1, 2].map(() =>
        spawn(async () => {
          await lock.acquire();
          const seen = n;
          await yieldNow();
          n = seen + 1;
          lock.release();
        }),
      ),
    );
    if (n !== 2) throw new Error(`n is ${n}`);
  },
  { runs: 100, policy: 'pct' },
);
