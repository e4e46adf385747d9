import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  current,
  all,
  moveOnAfter,
  dumpTasks,
  Condition,
  Lock,
  CancelledError,
  InvalidStateError,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('wait, notify and notifyAll need the lock; the error names the condition and the lock', async () => {
  await run(function* () {
    const cond = new Condition(new Lock({ name: 'state' }), { name: 'changed' });
    assert.throws(() => cond.notify(), {
      name: 'InvalidStateError',
      message:
        'Condition#1 (changed).notify(): the current task #1 (main) must hold Lock#1 (state)',
    });
    assert.throws(() => cond.notifyAll(), InvalidStateError);
    let error: unknown;
    try {
      yield* cond.wait();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof InvalidStateError);
    assert.equal(cond.lock.locked(), false, 'a refused wait acquires nothing');
    try {
      yield* cond.waitFor(() => true);
    } catch (e) {
      error = e;
    }
    assert.match((error as Error).message, /waitFor\(\): the current task #1 \(main\) must hold/);
  }, virtual);
});

test('bad arguments are rejected with a message naming them', () => {
  assert.throws(() => new Condition({} as never), {
    name: 'TypeError',
    message: 'Condition(lock): lock must be a Lock, got an instance of Object',
  });
  const cond = new Condition();
  assert.throws(() => cond.waitFor('x' as never), {
    name: 'TypeError',
    message: 'Condition.waitFor(predicate): predicate must be a function, got "x"',
  });
});

test('notify(n) wakes the n longest waiters, who take the lock in turn once it is released', async () => {
  const log: string[] = [];
  await run(async () => {
    const cond = new Condition();
    for (let i = 0; i < 4; i++) {
      spawn(async () => {
        await sleep(i);
        await cond.acquire();
        try {
          await cond.wait();
          log.push(`woke ${i}, holding: ${cond.lock.statistics().owner === current()}`);
        } finally {
          cond.release();
        }
      });
    }
    await sleep(10);
    assert.equal(cond.statistics().waiting, 4);
    await cond.acquire();
    assert.equal(cond.notify(2), 2);
    assert.deepEqual(cond.statistics().waiting, 2);
    assert.equal(cond.statistics().lock.waiting, 2, 'notified waiters queue for the lock');
    await sleep(1);
    assert.deepEqual(log, [], 'nobody runs before the notifier releases the lock');
    cond.release();
    await sleep(1);
    assert.deepEqual(log, ['woke 0, holding: true', 'woke 1, holding: true']);
    await cond.withLock(() => cond.notifyAll());
  }, virtual);
  assert.equal(log.length, 4);
  assert.equal(log[2], 'woke 2, holding: true');
});

test('waitFor checks its predicate first and after each notification, and returns its value', async () => {
  const items: number[] = [];
  const got: number[] = [];
  await run(async () => {
    const cond = new Condition();
    const consumer = spawn(function* () {
      for (let i = 0; i < 3; i++) {
        const item = yield* cond.withLock(() => cond.waitFor(() => items.shift()));
        got.push(item as number);
      }
    });
    for (let i = 1; i <= 3; i++) {
      await sleep(1);
      await cond.withLock(() => {
        items.push(i * 10);
        cond.notify();
      });
    }
    await consumer;
  }, virtual);
  assert.deepEqual(got, [10, 20, 30]);
});

test('a cancelled wait takes the lock back before CancelledError reaches finally', async () => {
  const log: string[] = [];
  await run(async () => {
    const cond = new Condition();
    const waiter = spawn(async () => {
      await cond.acquire();
      try {
        await cond.wait();
      } catch (e) {
        log.push(`${(e as Error).name}, holding: ${cond.lock.statistics().owner === current()}`);
        throw e;
      } finally {
        cond.release();
      }
    });
    const holder = spawn(async () => {
      await sleep(1);
      await cond.acquire(); // holds the lock while the waiter is cancelled
      await sleep(5);
      cond.release();
    });
    await sleep(2);
    waiter.cancel();
    await assert.rejects(async () => await waiter, CancelledError);
    await holder;
    assert.equal(cond.lock.locked(), false);
    assert.equal(cond.statistics().waiting, 0);
  }, virtual);
  assert.deepEqual(log, ['CancelledError, holding: true']);
});

test('a waiter cancelled after notify, while queued for the lock, leaves that queue and re-acquires', async () => {
  await run(async () => {
    const cond = new Condition();
    const outcome: string[] = [];
    const waiters = [0, 1].map((i) =>
      spawn(function* () {
        yield* cond.acquire();
        try {
          yield* cond.wait();
          outcome.push(`${i} notified`);
        } catch {
          outcome.push(`${i} cancelled, holding: ${cond.lock.statistics().owner === current()}`);
        } finally {
          cond.release();
        }
      }),
    );
    await sleep(1);
    await cond.acquire();
    cond.notifyAll();
    waiters[0].cancel(); // queued for the lock now
    assert.equal(cond.statistics().lock.waiting, 1);
    cond.release();
    await all(waiters);
    assert.deepEqual(outcome.sort(), ['0 cancelled, holding: true', '1 notified']);
    assert.equal(cond.lock.locked(), false);
  }, virtual);
});

test('a wait in an already cancelled scope throws without releasing the lock', async () => {
  await run(async () => {
    const cond = new Condition();
    await cond.acquire();
    const result = await moveOnAfter(0, () => cond.wait());
    assert.equal(result, undefined);
    assert.equal(cond.lock.statistics().owner, current());
    cond.release();
  }, virtual);
});

test('the dump tells a waiter not yet notified from one queued for the lock', async () => {
  await run(async () => {
    const cond = new Condition(new Lock({ name: 'm' }));
    for (const name of ['a', 'b']) {
      spawn(
        async () => {
          await cond.acquire();
          await cond.wait();
          cond.release();
        },
        { name },
      );
    }
    await sleep(1);
    await cond.acquire();
    cond.notify(1);
    const dump = dumpTasks();
    assert.match(
      dump,
      /#2 a \[waiting\]\n(.*\n)?\s+waiting on Condition#1 wait \(notified, re-acquiring Lock#1 \(m\) held by task #1 \(main\)\)/,
    );
    assert.match(
      dump,
      /#3 b \[waiting\]\n(.*\n)?\s+waiting on Condition#1 wait \(not notified; 1 task\(s\) waiting\)/,
    );
    cond.notify(1);
    cond.release();
  }, virtual);
});

test('a notified waiter cancelled before it gets the lock passes the notification on', async () => {
  await run(async () => {
    const cond = new Condition();
    const log: string[] = [];
    const waiters = ['a', 'b', 'c'].map((name, i) =>
      spawn(
        function* () {
          yield* sleep(i);
          yield* cond.acquire();
          try {
            yield* cond.wait();
            log.push(`${name} notified`);
          } catch (e) {
            log.push(`${name}: ${(e as Error).name}`);
          } finally {
            cond.release();
          }
        },
        { name },
      ),
    );
    await sleep(5);
    await cond.acquire();
    cond.notify(1); // a is moved to the lock's queue...
    waiters[0].cancel(); // ...and cancelled there: b is notified in its place
    assert.equal(cond.statistics().waiting, 1, 'only c still waits for a notification');
    cond.release();
    await sleep(1);
    assert.deepEqual(log.sort(), ['a: CancelledError', 'b notified']);
    await cond.withLock(() => cond.notifyAll());
  }, virtual);
});
