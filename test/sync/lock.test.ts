import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  current,
  moveOnAfter,
  withTimeout,
  dumpTasks,
  Lock,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  type Task,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('an uncontended acquire completes in the same step: it is not a schedule point', async () => {
  const log: string[] = [];
  await run(function* () {
    const lock = new Lock();
    spawn(function* () {
      log.push('other task ran');
    });
    yield* lock.acquire();
    log.push('acquired');
    lock.release();
  }, virtual);
  assert.deepEqual(log, ['acquired', 'other task ran']);
});

test('an acquire in a cancelled scope throws even when the lock is free, and takes nothing', async () => {
  await run(async () => {
    const lock = new Lock();
    const t = spawn(async () => {
      current().cancel();
      await lock.acquire();
    });
    await assert.rejects(async () => await t, CancelledError);
    assert.equal(lock.locked(), false);
  }, virtual);
});

test('tasks acquire the lock in the order they asked for it (FIFO), async and generator alike', async () => {
  const order: string[] = [];
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    for (let i = 0; i < 6; i++) {
      const name = `t${i}`;
      if (i % 2 === 0) {
        spawn(async () => {
          await sleep(i);
          await lock.acquire();
          order.push(name);
          await sleep(1);
          lock.release();
        });
      } else {
        spawn(function* () {
          yield* sleep(i);
          yield* lock.acquire();
          order.push(name);
          yield* sleep(1);
          lock.release();
        });
      }
    }
    await sleep(100);
    assert.equal(lock.statistics().waiting, 6);
    lock.release();
  }, virtual);
  assert.deepEqual(order, ['t0', 't1', 't2', 't3', 't4', 't5']);
});

test('mutual exclusion: no two tasks are ever inside the lock at once', async () => {
  let inside = 0;
  let entries = 0;
  await run(async () => {
    const lock = new Lock();
    for (let i = 0; i < 10; i++) {
      spawn(async () => {
        for (let j = 0; j < 5; j++) {
          await lock.withLock(async () => {
            inside++;
            entries++;
            assert.equal(inside, 1);
            await sleep(j % 3);
            inside--;
          });
        }
      });
    }
  }, virtual);
  assert.equal(entries, 50);
});

test('release hands the lock to the first waiter before it runs, so a latecomer cannot barge in', async () => {
  const order: string[] = [];
  await run(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    spawn(
      function* () {
        yield* lock.acquire();
        order.push('waiter');
        lock.release();
      },
      { name: 'waiter' },
    );
    yield* sleep(1);
    lock.release();
    const owner = lock.statistics().owner as Task;
    assert.equal(owner.name, 'waiter');
    spawn(function* () {
      yield* lock.acquire(); // arrives after the release: must queue behind
      order.push('latecomer');
      lock.release();
    });
  }, virtual);
  assert.deepEqual(order, ['waiter', 'latecomer']);
});

test('releasing a lock the current task does not hold throws InvalidStateError naming the holder', async () => {
  await run(async () => {
    const lock = new Lock({ name: 'accounts' });
    assert.throws(() => lock.release(), {
      name: 'InvalidStateError',
      message:
        'Lock#1 (accounts).release(): the lock is not held, not by the current task #1 (main)',
    });
    const holder = spawn(
      async () => {
        await lock.acquire();
        await sleep(10);
        lock.release();
      },
      { name: 'holder' },
    );
    await sleep(1);
    assert.throws(
      () => lock.release(),
      (e: unknown) =>
        e instanceof InvalidStateError &&
        e.code === 'ERR_SIMUL_INVALID_STATE' &&
        e.message.includes('is held by task #2 (holder)'),
    );
    await holder;
    assert.equal(lock.locked(), false);
  }, virtual);
});

test('a child task cannot release its parent’s lock', async () => {
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    const child = spawn(() => {
      try {
        lock.release();
        return null;
      } catch (e) {
        return e;
      }
    });
    assert.ok((await child) instanceof InvalidStateError);
    assert.equal(lock.statistics().owner, current());
    lock.release();
  }, virtual);
});

test('acquiring a lock the task already holds throws instead of waiting forever', async () => {
  await run(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    let error: unknown;
    try {
      yield* lock.acquire();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof InvalidStateError);
    assert.match(error.message, /Lock#1\.acquire\(\): task #1 \(main\) already holds this lock/);
    assert.throws(() => lock.tryAcquire(), InvalidStateError);
    lock.release();
  }, virtual);
});

test('a cancelled acquire leaves nothing held and leaves the queue', async () => {
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    const waiter = spawn(async () => await moveOnAfter(5, () => lock.acquire()));
    await sleep(1);
    assert.equal(lock.statistics().waiting, 1);
    assert.equal(await waiter, undefined);
    assert.equal(lock.statistics().waiting, 0);
    assert.equal(lock.statistics().owner, current());
    lock.release();
    assert.equal(lock.locked(), false);
    assert.equal(lock.statistics().owner, null);
  }, virtual);
});

test('a cancelled waiter in the middle of the queue is skipped; the others keep their order', async () => {
  const order: string[] = [];
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    const tasks = ['a', 'b', 'c', 'd'].map((name, i) =>
      spawn(
        async () => {
          await sleep(i);
          await lock.acquire();
          order.push(name);
          lock.release();
        },
        { name },
      ),
    );
    await sleep(10);
    tasks[1].cancel();
    tasks[2].cancel();
    assert.equal(lock.statistics().waiting, 2);
    lock.release();
  }, virtual);
  assert.deepEqual(order, ['a', 'd']);
});

test('a waiter cancelled at the same instant the lock is handed to it keeps it, and passes it on on release', async () => {
  const log: string[] = [];
  await run(async () => {
    const lock = new Lock();
    await lock.acquire();
    const b = spawn(
      async () => {
        await lock.acquire();
        try {
          log.push('b acquired');
          await sleep(1); // throws: b is cancelled
        } finally {
          lock.release();
          log.push('b released');
        }
      },
      { name: 'b' },
    );
    const c = spawn(
      async () => {
        await sleep(1);
        await lock.acquire();
        log.push('c acquired');
        lock.release();
      },
      { name: 'c' },
    );
    await sleep(5);
    lock.release(); // hands the lock to b...
    b.cancel(); // ...which is cancelled in the same step, before it runs
    await assert.rejects(async () => await b, CancelledError);
    await c;
    assert.equal(lock.locked(), false);
  }, virtual);
  assert.deepEqual(log, ['b acquired', 'b released', 'c acquired']);
});

test('a waiter cancelled just before the release never gets the lock: the next one does', async () => {
  const log: string[] = [];
  await run(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const b = spawn(function* () {
      yield* lock.acquire();
      log.push('b acquired');
      lock.release();
    });
    const c = spawn(function* () {
      yield* sleep(1);
      yield* lock.acquire();
      log.push('c acquired');
      lock.release();
    });
    yield* sleep(5);
    b.cancel();
    lock.release();
    assert.equal(lock.statistics().owner, c);
  }, virtual);
  assert.deepEqual(log, ['c acquired']);
});

test('withLock releases the lock however the body ends, in both styles', async () => {
  await run(function* () {
    const lock = new Lock();
    const value = yield* lock.withLock(function* () {
      yield* sleep(1);
      return 42;
    });
    assert.equal(value, 42);
    assert.equal(lock.locked(), false);
    let error: unknown;
    try {
      yield* lock.withLock(async () => {
        await sleep(1);
        throw new Error('boom');
      });
    } catch (e) {
      error = e;
    }
    assert.equal((error as Error).message, 'boom');
    assert.equal(lock.locked(), false);
    try {
      yield* withTimeout(5, () => lock.withLock(() => sleep(100)));
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof TimeoutError);
    assert.equal(lock.locked(), false);
  }, virtual);
  await run(async () => {
    const lock = new Lock();
    assert.equal(await lock.withLock(() => 'plain'), 'plain');
    assert.equal(lock.locked(), false);
    assert.throws(() => lock.withLock(42 as never), {
      name: 'TypeError',
      message: 'Lock#1.withLock(body): body must be a function, got 42',
    });
  }, virtual);
});

test('tryAcquire takes a free lock and never waits', async () => {
  await run(async () => {
    const lock = new Lock();
    assert.equal(lock.tryAcquire(), true);
    const other = spawn(() => lock.tryAcquire());
    assert.equal(await other, false);
    lock.release();
    assert.equal(lock.locked(), false);
  }, virtual);
  assert.throws(() => new Lock().tryAcquire(), InvalidStateError);
});

test('statistics report the holder and the waiters', async () => {
  await run(async () => {
    const lock = new Lock();
    assert.deepEqual(lock.statistics(), { locked: false, owner: null, waiting: 0 });
    await lock.acquire();
    spawn(async () => {
      await lock.acquire();
      lock.release();
    });
    await sleep(1);
    assert.deepEqual(lock.statistics(), { locked: true, owner: current(), waiting: 1 });
    lock.release();
  }, virtual);
});

test('dumpTasks names the lock a task waits on and who holds it', async () => {
  await run(async () => {
    const lock = new Lock({ name: 'db' });
    spawn(
      async () => {
        await lock.acquire();
        await sleep(10);
        lock.release();
      },
      { name: 'writer' },
    );
    spawn(
      async () => {
        await sleep(1);
        await lock.acquire();
        lock.release();
      },
      { name: 'reader' },
    );
    await sleep(2);
    assert.match(
      dumpTasks(),
      /#3 reader \[waiting\]\n\s+waiting on Lock#1 \(db\) held by task #2 \(writer\)/,
    );
  }, virtual);
});

test('bad options are rejected with a message naming the argument', () => {
  assert.throws(() => new Lock(5 as never), {
    name: 'TypeError',
    message: 'Lock(options): options must be an object, got 5',
  });
  assert.throws(() => new Lock({ name: 5 as never }), {
    name: 'TypeError',
    message: 'Lock(options): options.name must be a string, got 5',
  });
});

test('awaiting acquire outside any task rejects with an error naming the lock', async () => {
  const lock = new Lock({ name: 'orphan' });
  await assert.rejects(async () => await lock.acquire(), {
    name: 'InvalidStateError',
    message: /^Lock \(orphan\)\.acquire\(\) was awaited outside a simul task/,
  });
});
