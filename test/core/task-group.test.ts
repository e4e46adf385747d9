import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  now,
  taskGroup,
  current,
  CancelledError,
  InvalidStateError,
  TaskGroupError,
  type TaskGroup,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('taskGroup returns when every task spawned on it is done', async () => {
  const result = await run(async () => {
    const done: number[] = [];
    const value = await taskGroup(async (g) => {
      for (const ms of [30, 10, 20])
        g.spawn(async () => {
          await sleep(ms);
          done.push(ms);
        });
      return 'body value';
    });
    return [value, done, now()];
  }, virtual);
  assert.deepEqual(result, ['body value', [10, 20, 30], 30]);
});

test('taskGroup works from generator tasks with generator bodies', async () => {
  const result = await run(function* () {
    return yield* taskGroup(function* (g) {
      const a = g.spawn(function* () {
        yield* sleep(5);
        return 2;
      });
      return (yield* a) * 21;
    });
  }, virtual);
  assert.equal(result, 42);
});

test('a failure in the group cancels the others and the body, and is thrown from taskGroup', async () => {
  const log: string[] = [];
  const result = await run(async () => {
    try {
      await taskGroup(async (g) => {
        g.spawn(async () => {
          await sleep(10);
          throw new Error('worker failed');
        });
        g.spawn(async () => {
          try {
            await sleep(100);
          } finally {
            log.push(`sibling cancelled at ${now()}`);
          }
        });
        try {
          await sleep(100);
        } finally {
          log.push(`body cancelled at ${now()}`);
        }
      });
    } catch (e) {
      return `contained: ${(e as Error).message}`;
    }
  }, virtual);
  assert.equal(result, 'contained: worker failed');
  assert.deepEqual(log.sort(), ['body cancelled at 10', 'sibling cancelled at 10']);
});

test('several failures in a group make a TaskGroupError', async () => {
  await run(async () => {
    await assert.rejects(
      async () => {
        await taskGroup(async (g) => {
          g.spawn(async () => {
            throw new Error('a');
          });
          g.spawn(async () => {
            throw new Error('b');
          });
        });
      },
      (e: unknown) =>
        e instanceof TaskGroupError && e.errors.map((x) => (x as Error).message).join() === 'a,b',
    );
  }, virtual);
});

test('a failing body cancels the group tasks and is thrown', async () => {
  await run(async () => {
    let workerSaw = '';
    await assert.rejects(
      async () => {
        await taskGroup(async (g) => {
          g.spawn(async () => {
            try {
              await sleep(100);
            } catch (e) {
              workerSaw = (e as Error).name;
              throw e;
            }
          });
          await sleep(1);
          throw new Error('body failed');
        });
      },
      { message: 'body failed' },
    );
    assert.equal(workerSaw, 'CancelledError');
  }, virtual);
});

test('g.cancel() cancels the body and every task; the group returns normally', async () => {
  const result = await run(async () => {
    const value = await taskGroup(async (g) => {
      g.spawn(() => sleep(1000));
      g.spawn(async () => {
        await sleep(10);
        g.cancel();
      });
      await sleep(1000);
      return 'not reached';
    });
    return [value, now()];
  }, virtual);
  assert.deepEqual(result, [undefined, 10]);
});

test('cancelling the task around a group cancels the group and goes on up', async () => {
  await run(async () => {
    const t = spawn(async () => {
      await taskGroup(async (g) => {
        g.spawn(() => sleep(1000));
        await sleep(1000);
      });
    });
    await sleep(5);
    t.cancel();
    await assert.rejects(async () => {
      await t;
    }, CancelledError);
    assert.equal(now(), 5);
  }, virtual);
});

test('g.start returns the value the child passes to started(), while the child keeps running', async () => {
  const log: string[] = [];
  await run(async () => {
    await taskGroup(async (g) => {
      const port = await g.start<number>(async (started) => {
        await sleep(10);
        started(8080);
        log.push(`started at ${now()}`);
        await sleep(10);
        log.push(`child still running at ${now()}`);
      });
      log.push(`start returned ${port} at ${now()}`);
    });
  }, virtual);
  assert.deepEqual(log, [
    'started at 10',
    'start returned 8080 at 10',
    'child still running at 20',
  ]);
});

test('g.start throws the error of a child that fails before started(), and the group lives on', async () => {
  await run(async () => {
    const result = await taskGroup(async (g) => {
      await assert.rejects(
        async () => {
          await g.start(async () => {
            await sleep(1);
            throw new Error('could not bind');
          });
        },
        { message: 'could not bind' },
      );
      return 'group not failed';
    });
    assert.equal(result, 'group not failed');
  }, virtual);
});

test('g.start throws when the child returns without calling started()', async () => {
  await run(async () => {
    await taskGroup(async (g) => {
      await assert.rejects(
        async () => {
          await g.start(async () => {});
        },
        (e: unknown) => e instanceof InvalidStateError && /without calling started/.test(e.message),
      );
    });
  }, virtual);
});

test('calling started() twice throws', async () => {
  await run(async () => {
    await taskGroup(async (g) => {
      await g.start(async (started) => {
        started();
        assert.throws(() => started(), /called twice/);
      });
    });
  }, virtual);
});

test('spawning on a closed group throws InvalidStateError', async () => {
  await run(async () => {
    let saved: TaskGroup | undefined;
    await taskGroup(async (g) => {
      saved = g;
    });
    assert.throws(() => saved?.spawn(async () => {}), InvalidStateError);
  }, virtual);
});

test('tasks spawned on a group are children of the task that opened it', async () => {
  await run(async () => {
    const me = current();
    await taskGroup(async (g) => {
      const child = g.spawn(async () => {
        await sleep(1);
      });
      assert.equal(child.parent, me);
    });
  }, virtual);
});
