import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  yieldNow,
  current,
  all,
  until,
  now,
  CancelledError,
  InvalidStateError,
  TaskGroupError,
  type Task,
  Event,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('tasks written in the three styles run side by side in one tree', async () => {
  const result = await run(async () => {
    const a = spawn(async () => {
      await sleep(10);
      return 'async';
    });
    const g = spawn(function* () {
      yield* sleep(10);
      return 'generator';
    });
    const o = spawn(() => sleep(10));
    return [await a, await g, await o];
  }, virtual);
  assert.deepEqual(result, ['async', 'generator', undefined]);
});

test('a generator task joins other tasks with yield*', async () => {
  const result = await run(function* () {
    const child = spawn(async () => {
      await sleep(5);
      return 21;
    });
    const value = yield* child;
    return value * 2;
  }, virtual);
  assert.equal(result, 42);
});

test('tasks have ids in spawn order, names, and states through their life', async () => {
  await run(async () => {
    const root = current();
    assert.equal(root.id, 1);
    assert.equal(root.state, 'running');
    const child = spawn(
      async () => {
        await sleep(10);
      },
      { name: 'sleeper' },
    );
    const anon = spawn(async () => {});
    async function named(): Promise<void> {}
    const byFn = spawn(named);
    assert.equal(child.id, 2);
    assert.equal(child.name, 'sleeper');
    assert.equal(anon.name, `task-${anon.id}`);
    assert.equal(byFn.name, 'named');
    assert.equal(child.state, 'ready');
    await yieldNow();
    assert.equal(child.state, 'waiting');
    await child;
    assert.equal(child.state, 'done');
    const failing = spawn(async () => {
      throw new Error('x');
    });
    await assert.rejects(async () => {
      await failing;
    });
    assert.equal(failing.state, 'failed');
  }, virtual).catch((error: unknown) => {
    // The failing child also fails its parent: structured concurrency.
    assert.equal((error as Error).message, 'x');
  });
});

test('current() is the running task across awaits, in every style', async () => {
  await run(async () => {
    const seen: [Task, Task][] = [];
    const a = spawn(async () => {
      const me = current();
      await sleep(1);
      await Promise.resolve();
      seen.push([me, current()]);
    });
    const b = spawn(function* () {
      const me = current();
      yield* sleep(1);
      seen.push([me, current()]);
    });
    await all([a, b]);
    assert.equal(seen.length, 2);
    for (const [before, after] of seen) assert.equal(before, after);
    assert.deepEqual(seen.map(([t]) => t.id).sort(), [a.id, b.id].sort());
  }, virtual);
});

test('Promise.all over operations in one async task resumes each wait', async () => {
  const when = await run(async () => {
    const started = performance.now();
    await Promise.all([sleep(10), sleep(20), sleep(30)]);
    void started;
    return (await import('../../src/index.js')).now();
  }, virtual);
  assert.equal(when, 30);
});

test('joining a failed task throws its error; joining a cancelled one throws CancelledError', async () => {
  await run(async () => {
    const cancelled = spawn(() => sleep(1000));
    cancelled.cancel('no longer needed');
    await assert.rejects(
      async () => {
        await cancelled;
      },
      (e: unknown) => e instanceof CancelledError && e.reason === 'no longer needed',
    );
    assert.equal(cancelled.state, 'cancelled');
  }, virtual);
});

test('a task cannot wait for itself', async () => {
  await assert.rejects(
    run(function* () {
      yield* current();
    }),
    /cannot wait for itself/,
  );
});

test('a task cancelled before its first step starts, sees CancelledError at its first wait, runs finally', async () => {
  const log: string[] = [];
  await run(async () => {
    const t = spawn(async () => {
      log.push('started');
      try {
        await sleep(10);
        log.push('not reached');
      } finally {
        log.push('finally');
      }
    });
    t.cancel();
    await assert.rejects(async () => {
      await t;
    }, CancelledError);
  }, virtual);
  assert.deepEqual(log, ['started', 'finally']);
});

test('task.signal aborts when the task is cancelled, directly or through its parent', async () => {
  await run(async () => {
    let childSignal: AbortSignal | undefined;
    const parent = spawn(async () => {
      spawn(async () => {
        childSignal = current().signal;
        await sleep(1000);
      });
      await sleep(1000);
    });
    await sleep(1);
    assert.equal(childSignal?.aborted, false);
    parent.cancel('stop');
    assert.equal(parent.signal.aborted, true);
    assert.equal(childSignal?.aborted, true);
    assert.ok(childSignal?.reason instanceof CancelledError);
    await parent.then(
      () => assert.fail('should be cancelled'),
      (e: unknown) => assert.ok(e instanceof CancelledError),
    );
  }, virtual);
});

test('a signal read after cancellation is already aborted', async () => {
  await run(async () => {
    const t = spawn(() => sleep(100));
    t.cancel();
    assert.equal(t.signal.aborted, true);
    await t.then(
      () => undefined,
      () => undefined,
    );
  }, virtual);
});

test('a failing child cancels its siblings and the parent body, and the parent fails with its error', async () => {
  const log: string[] = [];
  const error = await run(async () => {
    spawn(async () => {
      try {
        await sleep(1000);
      } finally {
        log.push('sibling cancelled');
      }
    });
    spawn(async () => {
      await sleep(10);
      throw new Error('child failed');
    });
    try {
      await sleep(1000);
    } catch (e) {
      log.push(`parent body saw ${(e as Error).name}`);
      throw e;
    }
  }, virtual).catch((e: unknown) => e);
  assert.equal((error as Error).message, 'child failed');
  assert.deepEqual(log.sort(), ['parent body saw CancelledError', 'sibling cancelled']);
});

test('several failures make a TaskGroupError holding every error', async () => {
  const error = await run(async () => {
    spawn(async () => {
      await sleep(10);
      throw new Error('one');
    });
    spawn(async () => {
      try {
        await sleep(1000);
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new Error('two, while cleaning up');
      }
    });
  }, virtual).catch((e: unknown) => e);
  assert.ok(error instanceof TaskGroupError);
  assert.ok(error instanceof AggregateError);
  assert.deepEqual(
    (error as TaskGroupError).errors.map((e) => (e as Error).message),
    ['one', 'two, while cleaning up'],
  );
});

test('an error joined by the parent and also propagated is reported once', async () => {
  const error = await run(async () => {
    const child = spawn(async () => {
      throw new Error('once');
    });
    await child;
  }, virtual).catch((e: unknown) => e);
  assert.ok(!(error instanceof TaskGroupError));
  assert.equal((error as Error).message, 'once');
});

test('a parent that catches a joined failure still fails: no error is dropped', async () => {
  await assert.rejects(
    run(async () => {
      const child = spawn(async () => {
        throw new Error('caught but not contained');
      });
      try {
        await child;
      } catch {
        // ignored here, but structured concurrency still reports it
      }
    }, virtual),
    { message: 'caught but not contained' },
  );
});

test('no task outlives its parent: a parent is waiting while its children run', async () => {
  const exits: string[] = [];
  await run(
    async () => {
      const parent = spawn(
        async () => {
          spawn(
            async () => {
              await sleep(50);
            },
            { name: 'child' },
          );
        },
        { name: 'parent' },
      );
      await sleep(10);
      assert.equal(parent.state, 'waiting');
    },
    {
      clock: 'virtual',
      instruments: [{ taskExited: (t) => exits.push(t.name) }],
    },
  );
  assert.deepEqual(exits, ['child', 'parent', 'main']);
});

test('a generator task that yields a non-operation gets a TypeError naming the fix', async () => {
  await assert.rejects(
    run(function* () {
      yield 5;
    }),
    (e: unknown) => e instanceof TypeError && /yielded 5; use yield\*/.test(e.message),
  );
});

test('a generator that yields an operation without * still waits on it', async () => {
  const t = await run(function* () {
    yield sleep(10);
    return (yield* spawn(async () => 'x')) as string;
  }, virtual);
  assert.equal(t, 'x');
});

test('awaiting an operation outside any task rejects with a clear error', async () => {
  await assert.rejects(async () => {
    await sleep(1);
  }, /was awaited outside a simul task/);
});

test('an async helper awaiting operations from a generator task is reported, not misattributed', async () => {
  const helper = async (): Promise<void> => {
    await Promise.resolve();
    await sleep(1);
  };
  await assert.rejects(
    run(function* () {
      yield* until(helper());
    }),
    (e: unknown) => e instanceof InvalidStateError && /yield\*/.test(e.message),
  );
});

test('an async helper wrapped as a task body knows its task', async () => {
  const helper = async (): Promise<number> => {
    await sleep(1);
    return current().id;
  };
  const id = await run(function* () {
    const child = spawn(helper);
    return (yield* child) === child.id;
  }, virtual);
  assert.equal(id, true);
});

test('an async body that returns with awaits still pending (Promise.race) leaves no wait behind', async () => {
  const never = new Event();
  const t = await run(async () => {
    const losers: string[] = [];
    await spawn(async () => {
      const wait = never.wait();
      const late = sleep(50);
      await Promise.race([
        sleep(10),
        Promise.resolve(wait).catch((e: unknown) => losers.push((e as Error).name)),
        Promise.resolve(late).catch((e: unknown) => losers.push((e as Error).name)),
      ]);
    });
    assert.equal(never.statistics().waiting, 0, 'the event wait was left parked');
    await sleep(100);
    assert.deepEqual(losers, ['CancelledError', 'CancelledError']);
    return now();
  }, virtual);
  // The loser sleep(50) did not keep a timer: nothing woke at 50 (the run reads 110).
  assert.equal(t, 110);
});
