import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  all,
  moveOnAfter,
  dumpTasks,
  Semaphore,
  CancelledError,
  InvalidStateError,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('bad arguments are rejected with a message naming the argument and the value', () => {
  assert.throws(() => new Semaphore(-1), {
    name: 'RangeError',
    message: 'Semaphore(n): n must be an integer >= 0, got -1',
  });
  assert.throws(() => new Semaphore(1.5), {
    name: 'RangeError',
    message: 'Semaphore(n): n must be an integer >= 0, got 1.5',
  });
  assert.throws(() => new Semaphore(NaN), { name: 'RangeError' });
  assert.throws(() => new Semaphore('2' as never), {
    name: 'TypeError',
    message: 'Semaphore(n): n must be an integer >= 0, got "2"',
  });
  assert.throws(() => new Semaphore(3, { max: 2 }), {
    name: 'RangeError',
    message: 'Semaphore(n, options): n must be <= options.max (2), got 3',
  });
  assert.throws(() => new Semaphore(0, { max: 0 }), {
    name: 'RangeError',
    message: 'Semaphore(n, options): options.max must be an integer >= 1 or Infinity, got 0',
  });
});

test('at most n tasks hold a permit at once, in both task styles', async () => {
  let inside = 0;
  let most = 0;
  await run(async () => {
    const sem = new Semaphore(3);
    const bodies = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0
        ? spawn(async () => {
            await sem.acquire();
            most = Math.max(most, ++inside);
            await sleep(1 + (i % 3));
            inside--;
            sem.release();
          })
        : spawn(function* () {
            yield* sem.acquire();
            most = Math.max(most, ++inside);
            yield* sleep(1 + (i % 3));
            inside--;
            sem.release();
          }),
    );
    await all(bodies);
    assert.deepEqual(sem.statistics(), { value: 3, max: Infinity, waiting: 0 });
  }, virtual);
  assert.equal(most, 3);
});

test('waiters get permits in the order they asked (FIFO)', async () => {
  const order: number[] = [];
  await run(async () => {
    const sem = new Semaphore(0);
    for (let i = 0; i < 5; i++) {
      spawn(async () => {
        await sleep(i);
        await sem.acquire();
        order.push(i);
      });
    }
    await sleep(10);
    assert.equal(sem.statistics().waiting, 5);
    for (let i = 0; i < 5; i++) sem.release();
    assert.equal(sem.statistics().value, 0, 'every permit went straight to a waiter');
  }, virtual);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test('a cancelled acquire consumes no permit and leaves the queue', async () => {
  await run(async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const waiter = spawn(() => moveOnAfter(5, () => sem.acquire()));
    await sleep(1);
    assert.equal(sem.statistics().waiting, 1);
    assert.equal(await waiter, undefined);
    assert.deepEqual(sem.statistics(), { value: 0, max: Infinity, waiting: 0 });
    sem.release();
    assert.equal(sem.statistics().value, 1);
  }, virtual);
});

test('a waiter cancelled as its permit is handed over keeps the permit; released, it goes to the next', async () => {
  const log: string[] = [];
  await run(async () => {
    const sem = new Semaphore(0, { max: 1 });
    const b = spawn(async () => {
      await sem.acquire();
      log.push('b has a permit');
      try {
        await sleep(1);
      } finally {
        sem.release();
      }
    });
    const c = spawn(async () => {
      await sleep(1);
      await sem.acquire();
      log.push('c has a permit');
      sem.release();
    });
    await sleep(5);
    sem.release();
    b.cancel();
    await assert.rejects(async () => await b, CancelledError);
    await c;
    assert.equal(sem.statistics().value, 1);
  }, virtual);
  assert.deepEqual(log, ['b has a permit', 'c has a permit']);
});

test('with max, a release above the bound throws: a double release is caught', async () => {
  await run(async () => {
    const sem = new Semaphore(1, { max: 1, name: 'pool' });
    await sem.acquire();
    sem.release();
    assert.throws(() => sem.release(), {
      name: 'InvalidStateError',
      message:
        'Semaphore#1 (pool).release(): the semaphore already holds its maximum of 1 permit(s); was a permit released twice?',
    });
    assert.ok(new InvalidStateError() instanceof Error);
  }, virtual);
  const unbounded = new Semaphore(0);
  unbounded.release(); // without max, release may raise the count
  assert.equal(unbounded.statistics().value, 1);
});

test('tryAcquire takes a free permit and never waits', () => {
  const sem = new Semaphore(1);
  assert.equal(sem.tryAcquire(), true);
  assert.equal(sem.tryAcquire(), false);
  sem.release();
  assert.equal(sem.tryAcquire(), true);
});

test('withPermit gives the permit back however the body ends', async () => {
  await run(function* () {
    const sem = new Semaphore(1);
    assert.equal(yield* sem.withPermit(() => 7), 7);
    try {
      yield* sem.withPermit(function* () {
        yield* sleep(1);
        throw new Error('boom');
      });
    } catch (e) {
      assert.equal((e as Error).message, 'boom');
    }
    assert.equal(sem.statistics().value, 1);
  }, virtual);
});

test('an acquire in a cancelled scope throws even with permits free', async () => {
  await run(async () => {
    const sem = new Semaphore(2);
    const t = spawn(async () => {
      await sleep(1);
      await sem.acquire();
    });
    t.cancel();
    await assert.rejects(async () => await t, CancelledError);
    assert.equal(sem.statistics().value, 2);
  }, virtual);
});

test('dumpTasks shows the permits a waiting task wants', async () => {
  await run(async () => {
    const sem = new Semaphore(1, { max: 1 });
    await sem.acquire();
    spawn(() => sem.acquire(), { name: 'w' });
    await sleep(1);
    assert.match(
      dumpTasks(),
      /#2 w \[waiting\]\n\s+waiting on Semaphore#1 acquire \(0 of 1 permits free, 1 task\(s\) waiting\)/,
    );
    sem.release();
  }, virtual);
});
