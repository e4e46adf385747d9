import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  yieldNow,
  now,
  callSoon,
  callLater,
  current,
  InvalidStateError,
  type Instrument,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('run settles with the result of the root task', async () => {
  assert.equal(await run(async () => 42), 42);
  assert.equal(
    await run(function* () {
      yield* sleep(1);
      return 'gen';
    }),
    'gen',
  );
  assert.equal(await run(() => sleep(0)), undefined);
  assert.equal(await run(() => 'plain value'), 'plain value');
});

test('run rejects with the error of the root task', async () => {
  await assert.rejects(
    run(async () => {
      throw new Error('root failed');
    }),
    { message: 'root failed' },
  );
  await assert.rejects(
    run(function* () {
      yield* sleep(1);
      throw new RangeError('gen failed');
    }, virtual),
    RangeError,
  );
});

test('run waits for every descendant before settling', async () => {
  const finished: string[] = [];
  await run(async () => {
    spawn(async () => {
      spawn(async () => {
        await sleep(300);
        finished.push('grandchild');
      });
      await sleep(100);
      finished.push('child');
    });
    finished.push('root body');
  }, virtual);
  assert.deepEqual(finished, ['root body', 'child', 'grandchild']);
});

test('calling run inside a running task throws', async () => {
  await run(async () => {
    assert.throws(() => run(async () => 1), InvalidStateError);
  });
  await run(function* () {
    assert.throws(() => run(async () => 1), /cannot be called inside a running task/);
  });
});

test('the virtual clock jumps to the next deadline: ten 3 s sleeps take 3 s of virtual time', async () => {
  const started = performance.now();
  const elapsed = await run(async () => {
    for (let i = 0; i < 10; i++) spawn(() => sleep(3000));
    await sleep(3000);
    return now();
  }, virtual);
  assert.equal(elapsed, 3000);
  assert.ok(performance.now() - started < 2000, 'virtual time must not wait in real time');
});

test('now() reads 0 at the start of a virtual run and adds up sleeps exactly', async () => {
  await run(async () => {
    assert.equal(now(), 0);
    await sleep(1.5);
    await sleep(10);
    assert.equal(now(), 11.5);
  }, virtual);
});

test('the real clock measures elapsed real time in ms', async () => {
  await run(async () => {
    const t0 = now();
    await sleep(5);
    assert.ok(now() - t0 >= 4, `slept ${now() - t0} ms`);
  });
});

test('timers due at the same instant fire in the order they were set (fifo)', async () => {
  const fired: number[] = [];
  await run(async () => {
    for (let i = 0; i < 5; i++)
      spawn(async () => {
        await sleep(100);
        fired.push(i);
      });
  }, virtual);
  assert.deepEqual(fired, [0, 1, 2, 3, 4]);
});

test('yieldNow runs every other ready task first (async tasks)', async () => {
  const order: string[] = [];
  await run(async () => {
    for (const name of ['a', 'b', 'c'])
      spawn(async () => {
        order.push(`${name}1`);
        await yieldNow();
        order.push(`${name}2`);
      });
  }, virtual);
  assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
});

test('yieldNow runs every other ready task first (generator tasks)', async () => {
  const order: string[] = [];
  await run(function* () {
    for (const name of ['a', 'b', 'c'])
      spawn(function* () {
        order.push(`${name}1`);
        yield* yieldNow();
        order.push(`${name}2`);
      });
  }, virtual);
  assert.deepEqual(order, ['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
});

test("a flood of ready tasks never starves Node's I/O", async () => {
  let immediateRanAfter = -1;
  await run(async () => {
    let switches = 0;
    let stop = false;
    setImmediate(() => {
      immediateRanAfter = switches;
      stop = true;
    });
    const spin = async (): Promise<void> => {
      while (!stop) {
        switches++;
        await yieldNow();
      }
    };
    spawn(spin);
    spawn(spin);
  });
  assert.ok(immediateRanAfter > 0, 'the spinning tasks ran before the immediate');
});

test('sleeping tasks share one host timer', async () => {
  const realSetTimeout = globalThis.setTimeout;
  let calls = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    calls++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    await run(async () => {
      for (let i = 0; i < 1000; i++) spawn(() => sleep(5));
    });
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.ok(calls <= 5, `expected a handful of host timers for 1000 sleepers, got ${calls}`);
});

test('callSoon runs callbacks in order in the next turn; callLater after its delay', async () => {
  const seen: string[] = [];
  await run(async () => {
    callLater(20, () => seen.push(`later@${now()}`));
    callSoon(() => seen.push('soon1'));
    callSoon(() => seen.push('soon2'));
    seen.push('body');
    await sleep(50);
  }, virtual);
  assert.deepEqual(seen, ['body', 'soon1', 'soon2', 'later@20']);
});

test('a cancelled callback handle never runs', async () => {
  const seen: string[] = [];
  await run(async () => {
    const a = callSoon(() => seen.push('a'));
    const b = callLater(10, () => seen.push('b'));
    a.cancel();
    b.cancel();
    assert.equal(a.cancelled, true);
    await sleep(20);
  }, virtual);
  assert.deepEqual(seen, []);
});

test('an error thrown by a callback fails the run instead of being dropped', async () => {
  await assert.rejects(
    run(async () => {
      callSoon(() => {
        throw new Error('callback broke');
      });
      await sleep(1000);
    }, virtual),
    { message: 'callback broke' },
  );
});

test('callSoon, callLater and now outside a loop throw a clear error', () => {
  assert.throws(() => callSoon(() => {}), /must be called while a simul loop runs/);
  assert.throws(() => callLater(1, () => {}), InvalidStateError);
  assert.throws(() => now(), InvalidStateError);
  assert.throws(() => current(), /inside a simul task/);
});

test('instruments see spawns, steps, exits and idle', async () => {
  const events: string[] = [];
  const instrument: Instrument = {
    taskSpawned: (t) => events.push(`spawn ${t.name}`),
    stepStarted: (t) => events.push(`step ${t.name}`),
    taskExited: (t) => events.push(`exit ${t.name} ${t.state}`),
    beforeIdle: () => events.push('idle'),
  };
  await run(
    function* main() {
      yield* spawn(function* child() {
        yield* sleep(10);
      });
    },
    { clock: 'virtual', instruments: [instrument] },
  );
  assert.deepEqual(events.slice(0, 4), ['spawn main', 'step main', 'spawn child', 'step child']);
  assert.ok(events.includes('idle'));
  assert.ok(events.indexOf('exit child done') < events.indexOf('exit main done'));
  assert.equal(events.at(-1), 'exit main done');
});

test('an instrument that throws fails the run', async () => {
  await assert.rejects(
    run(async () => sleep(1), {
      instruments: [
        {
          taskExited() {
            throw new Error('instrument broke');
          },
        },
      ],
    }),
    { message: /instrument broke/ },
  );
});

test('debug reports a step that holds the loop longer than slowStepMs', async () => {
  const warnings: string[] = [];
  await run(
    function* hog() {
      const until = performance.now() + 30;
      while (performance.now() < until); // CPU-bound: the talk's pitfall
      yield* sleep(1);
    },
    { debug: { slowStepMs: 10 }, onWarning: (w) => warnings.push(w.message) },
  );
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    /task #1 \(hog\), body at \S+loop\.test\.js:\d+:\d+ held the loop for \d+\.\d ms/,
  );
});

test('a sleep longer than setTimeout allows (24.8 days) arms one capped host timer', async () => {
  const realSetTimeout = globalThis.setTimeout;
  const delays: number[] = [];
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return realSetTimeout(fn, ms);
  }) as typeof setTimeout;
  try {
    await run(async () => {
      const t = spawn(() => sleep(3e9));
      await sleep(5);
      t.cancel();
    }).catch(() => undefined);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.ok(
    delays.every((d) => d <= 0x7fffffff),
    `delays: ${delays.join()}`,
  );
  assert.ok(delays.length <= 4, `expected a few host timers, got ${delays.length}`);
});

test('many loops may run at once without piling up process listeners', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.name);
  };
  process.on('warning', onWarning);
  try {
    await Promise.all(Array.from({ length: 20 }, () => run(() => sleep(1))));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
  assert.equal(process.listenerCount('beforeExit') <= 1, true);
});
