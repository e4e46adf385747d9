import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  yieldNow,
  now,
  current,
  withTimeout,
  moveOnAfter,
  shield,
  until,
  fromCallback,
  CancelledError,
  TimeoutError,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('cancellation is level-triggered: every later wait in a cancelled task throws at once', async () => {
  const log: string[] = [];
  await run(async () => {
    const t = spawn(async () => {
      try {
        await sleep(1000);
      } catch (e) {
        log.push(`first wait: ${(e as Error).name}`);
      }
      try {
        await sleep(1);
      } catch (e) {
        log.push(`second wait: ${(e as Error).name}`);
      }
      try {
        await yieldNow();
      } catch (e) {
        log.push(`yieldNow: ${(e as Error).name}`);
      }
      log.push(`at t=${now()}`);
    });
    await sleep(10);
    t.cancel();
    await t;
  }, virtual);
  assert.deepEqual(log, [
    'first wait: CancelledError',
    'second wait: CancelledError',
    'yieldNow: CancelledError',
    'at t=10',
  ]);
});

test('a task that swallows its cancellation and returns is done, not cancelled', async () => {
  await run(async () => {
    const t = spawn(async () => {
      try {
        await sleep(100);
      } catch {
        return 'swallowed';
      }
    });
    await sleep(1);
    t.cancel();
    assert.equal(await t, 'swallowed');
    assert.equal(t.state, 'done');
  }, virtual);
});

test('cancelling a finished task, or cancelling twice, changes nothing', async () => {
  await run(async () => {
    const t = spawn(async () => 1);
    await t;
    t.cancel();
    assert.equal(t.state, 'done');
    const u = spawn(() => sleep(10));
    u.cancel('first');
    u.cancel('second');
    await u.then(
      () => assert.fail('cancelled'),
      (e: unknown) => assert.equal((e as CancelledError).reason, 'first'),
    );
  }, virtual);
});

test('a CancelledError thrown by a task that was not cancelled is a failure like any other', async () => {
  await assert.rejects(
    run(async () => {
      spawn(async () => {
        throw new CancelledError('fake');
      });
    }, virtual),
    CancelledError,
  );
});

test('withTimeout throws TimeoutError when the body is late, and cancels the body', async () => {
  const log: string[] = [];
  await run(async () => {
    await assert.rejects(
      async () => {
        await withTimeout(50, async () => {
          try {
            await sleep(100);
          } finally {
            log.push(`body cleaned up at ${now()}`);
          }
        });
      },
      (e: unknown) => e instanceof TimeoutError && e.ms === 50,
    );
    log.push(`after at ${now()}`);
  }, virtual);
  assert.deepEqual(log, ['body cleaned up at 50', 'after at 50']);
});

test('withTimeout returns the value of a body that is in time, and leaves no timer behind', async () => {
  const result = await run(function* () {
    const value = yield* withTimeout(100, function* () {
      yield* sleep(10);
      return 'in time';
    });
    return [value, now()];
  }, virtual);
  // The run ends at t=10: a timer left behind would have made the virtual clock jump to 100.
  assert.deepEqual(result, ['in time', 10]);
});

test('moveOnAfter returns undefined when the body is late', async () => {
  const result = await run(async () => {
    const late = await moveOnAfter(10, () => sleep(100));
    const inTime = await moveOnAfter(100, async () => {
      await sleep(10);
      return 7;
    });
    return [late, inTime, now()];
  }, virtual);
  assert.deepEqual(result, [undefined, 7, 20]);
});

test('a zero timeout cancels the body at its first wait', async () => {
  const log: string[] = [];
  await run(async () => {
    const r = await moveOnAfter(0, async () => {
      log.push('body starts');
      await sleep(1);
      log.push('not reached');
    });
    assert.equal(r, undefined);
  }, virtual);
  assert.deepEqual(log, ['body starts']);
});

test('the body of withTimeout runs in the same task', async () => {
  await run(async () => {
    const me = current();
    await withTimeout(10, async () => {
      assert.equal(current(), me);
      await sleep(1);
      assert.equal(current(), me);
    });
    yield_(me);
  }, virtual);
  function yield_(t: unknown): void {
    assert.ok(t);
  }
});

test('nested timeouts: the earlier deadline wins, the outer one is not mistaken for it', async () => {
  const result = await run(async () => {
    const inner = await moveOnAfter(1000, async () => {
      try {
        await withTimeout(10, () => sleep(100));
      } catch (e) {
        return (e as Error).name;
      }
    });
    let outerHit = 'no';
    try {
      await withTimeout(10, async () => {
        await moveOnAfter(1000, () => sleep(100));
        outerHit = 'inner moved on';
      });
    } catch (e) {
      outerHit = (e as Error).name;
    }
    return [inner, outerHit, now()];
  }, virtual);
  assert.deepEqual(result, ['TimeoutError', 'TimeoutError', 20]);
});

test('an outer cancellation wins over an inner timeout', async () => {
  await run(async () => {
    const t = spawn(async () => {
      await withTimeout(10, () => sleep(100));
    });
    await sleep(1);
    t.cancel();
    await assert.rejects(async () => {
      await t;
    }, CancelledError);
  }, virtual);
});

test('shield keeps outer cancellation away from its body; the task is still cancelled after', async () => {
  const log: string[] = [];
  await run(async () => {
    const t = spawn(async () => {
      try {
        await sleep(100);
      } finally {
        await shield(async () => {
          await sleep(50);
          log.push(`cleanup finished at ${now()}`);
        });
        try {
          await sleep(1);
        } catch (e) {
          log.push(`after the shield: ${(e as Error).name}`);
        }
      }
    });
    await sleep(10);
    t.cancel();
    await t.then(
      () => undefined,
      () => undefined,
    );
  }, virtual);
  assert.deepEqual(log, ['cleanup finished at 60', 'after the shield: CancelledError']);
});

test('a timeout inside a shield still applies', async () => {
  await run(async () => {
    const t = spawn(async () => {
      try {
        await sleep(100);
      } finally {
        const r = await shield(() => moveOnAfter(5, () => sleep(50)));
        assert.equal(r, undefined);
        assert.equal(now(), 15);
      }
    });
    await sleep(10);
    t.cancel();
    await t.then(
      () => undefined,
      () => undefined,
    );
  }, virtual);
});

test('children spawned inside a shield are not cancelled with the task', async () => {
  await run(async () => {
    let childState = '';
    const t = spawn(async () => {
      await shield(async () => {
        const child = spawn(async () => {
          await sleep(20);
          return 'child finished';
        });
        childState = await child;
      });
    });
    await sleep(5);
    t.cancel();
    await t;
    assert.equal(childState, 'child finished');
  }, virtual);
});

test('until: a cancelled wait on a foreign promise ends at once', async () => {
  await run(async () => {
    let resolveLater: (v: string) => void = () => {};
    const foreign = new Promise<string>((resolve) => (resolveLater = resolve));
    const t = spawn(() => until(foreign));
    await sleep(1);
    t.cancel();
    await assert.rejects(async () => {
      await t;
    }, CancelledError);
    resolveLater('too late'); // ignored
    assert.equal(await until(Promise.resolve('ok')), 'ok');
    await assert.rejects(
      async () => {
        await until(Promise.reject(new Error('foreign failure')));
      },
      { message: 'foreign failure' },
    );
  });
});

test('fromCallback: resolves from the callback; cancellation runs the cleanup', async () => {
  const log: string[] = [];
  await run(async () => {
    const value = await fromCallback<number>((resolve) => {
      const id = setTimeout(() => resolve(5), 1);
      return () => clearTimeout(id);
    });
    assert.equal(value, 5);
    const t = spawn(() =>
      fromCallback<void>(() => {
        return () => log.push('cleanup ran');
      }),
    );
    await sleep(1);
    t.cancel();
    await t.then(
      () => undefined,
      (e: unknown) => log.push((e as Error).name),
    );
    assert.equal(await fromCallback((resolve) => resolve('sync')), 'sync');
    await assert.rejects(
      async () => {
        await fromCallback((_resolve, reject) => reject(new Error('sync failure')));
      },
      { message: 'sync failure' },
    );
    await assert.rejects(
      async () => {
        await fromCallback(() => {
          throw new Error('register threw');
        });
      },
      { message: 'register threw' },
    );
  });
  assert.deepEqual(log, ['cleanup ran', 'CancelledError']);
});

test('fromCallback: a register that returns a non-function is a TypeError', async () => {
  await run(async () => {
    await assert.rejects(async () => {
      await fromCallback(() => 42 as never);
    }, /must return a cleanup function or nothing, got 42/);
  });
});

test('a foreign wait in flight stops the virtual clock from jumping ahead of it', async () => {
  const t = await run(async () => {
    spawn(() => sleep(1000));
    await until(new Promise((resolve) => setTimeout(resolve, 5)));
    return now();
  }, virtual);
  assert.equal(t, 0);
});

test('a deadline and a sleep due at the same instant never fire a cancelled sleep (any order)', async () => {
  for (let seed = 0; seed < 20; seed++) {
    const outcome = await run(
      async () => {
        const late = await moveOnAfter(10, async () => {
          await sleep(10);
          return 'slept';
        });
        return [late, now()];
      },
      { clock: 'virtual', schedule: { policy: 'random', seed } },
    );
    // Either the sleep or the deadline came first: both are legal outcomes at t=10.
    assert.ok(outcome[0] === 'slept' || outcome[0] === undefined, `seed ${seed}: ${outcome[0]}`);
    assert.equal(outcome[1], 10);
  }
});
