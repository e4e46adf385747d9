import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  now,
  all,
  moveOnAfter,
  dumpTasks,
  Queue,
  QueueClosedError,
  QueueEmptyError,
  QueueFullError,
  CancelledError,
} from '../../src/index.js';
import { outcome } from './outcome.js';

const virtual = { clock: 'virtual' } as const;

test('bad maxsize values are rejected with a message naming the argument and the value', () => {
  assert.throws(() => new Queue({ maxsize: NaN }), {
    name: 'RangeError',
    message: 'Queue(options): options.maxsize must be an integer >= 1 or Infinity, got NaN',
  });
  assert.throws(() => new Queue({ maxsize: -1 }), { name: 'RangeError' });
  assert.throws(() => new Queue({ maxsize: 2.5 }), { name: 'RangeError' });
  assert.throws(() => new Queue({ maxsize: '3' as never }), {
    name: 'TypeError',
    message: 'Queue(options): options.maxsize must be an integer >= 1 or Infinity, got "3"',
  });
  assert.throws(() => new Queue({ maxsize: 0 }), {
    name: 'RangeError',
    message:
      'Queue(options): options.maxsize must be an integer >= 1 or Infinity, got 0 (for a rendezvous, use new Channel(0))',
  });
  assert.throws(() => new Queue(null as never), {
    name: 'TypeError',
    message: 'Queue(options): options must be an object, got null',
  });
  assert.equal(new Queue().maxsize, Infinity);
});

test('items come out in the order they went in', async () => {
  await run(function* () {
    const q = new Queue<number>({ maxsize: 3 });
    for (let i = 0; i < 3; i++) yield* q.put(i);
    assert.equal(q.size, 3);
    const out = [yield* q.get(), yield* q.get(), yield* q.get()];
    assert.deepEqual(out, [0, 1, 2]);
  }, virtual);
});

test('put waits while the queue is full, get while it is empty', async () => {
  const log: string[] = [];
  await run(async () => {
    const q = new Queue<string>({ maxsize: 1 });
    spawn(function* () {
      yield* q.put('a');
      log.push(`put a at t=${now()}`);
      yield* q.put('b'); // full: waits for the get at t=10
      log.push(`put b at t=${now()}`);
    });
    spawn(function* () {
      yield* sleep(10);
      log.push(`got ${yield* q.get()} at t=${now()}`);
      log.push(`got ${yield* q.get()} at t=${now()}`);
      log.push(`got ${yield* q.get()} at t=${now()}`); // empty: waits for the put at t=20
    });
    await sleep(20);
    await q.put('c');
  }, virtual);
  assert.deepEqual(log, [
    'put a at t=0',
    'got a at t=10',
    'got b at t=10',
    'put b at t=10',
    'got c at t=20',
  ]);
});

test('getters and putters are served first come, first served', async () => {
  const got: string[] = [];
  await run(async () => {
    const q = new Queue<number>({ maxsize: 1 });
    const getters = ['g0', 'g1', 'g2'].map((name, i) =>
      spawn(async () => {
        await sleep(i);
        got.push(`${name}:${await q.get()}`);
      }),
    );
    await sleep(5);
    assert.equal(q.statistics().getters, 3);
    for (let i = 0; i < 3; i++) await q.put(i);
    await all(getters);
    // Now putters queue on a full queue.
    await q.put(100);
    const putters = [101, 102, 103].map((item, i) =>
      spawn(async () => {
        await sleep(i);
        await q.put(item);
      }),
    );
    await sleep(5);
    assert.equal(q.statistics().putters, 3);
    const out: number[] = [];
    for (let i = 0; i < 4; i++) out.push(await q.get());
    await all(putters);
    assert.deepEqual(out, [100, 101, 102, 103]);
  }, virtual);
  assert.deepEqual(got, ['g0:0', 'g1:1', 'g2:2']);
});

test('putNowait and getNowait never wait: QueueFullError and QueueEmptyError', async () => {
  await run(async () => {
    const q = new Queue<number>({ maxsize: 2, name: 'jobs' });
    q.putNowait(1);
    q.putNowait(2);
    assert.throws(() => q.putNowait(3), {
      name: 'QueueFullError',
      code: 'ERR_SIMUL_QUEUE_FULL',
      message: 'Queue#1 (jobs).putNowait(): the queue is full (2 items)',
    });
    assert.equal(q.getNowait(), 1);
    assert.equal(q.getNowait(), 2);
    assert.throws(() => q.getNowait(), {
      name: 'QueueEmptyError',
      code: 'ERR_SIMUL_QUEUE_EMPTY',
      message: 'Queue#1 (jobs).getNowait(): the queue is empty',
    });
    assert.ok(new QueueFullError('x') instanceof Error);
    assert.ok(new QueueEmptyError('x') instanceof Error);
  }, virtual);
});

test('putNowait hands the item to a waiting getter; getNowait completes a waiting put', async () => {
  await run(async () => {
    const q = new Queue<string>({ maxsize: 1 });
    const getter = spawn(() => q.get());
    await sleep(1);
    q.putNowait('direct');
    assert.equal(await getter, 'direct');
    q.putNowait('first');
    const putter = spawn(() => q.put('second'));
    await sleep(1);
    assert.equal(q.getNowait(), 'first');
    assert.deepEqual(q.statistics(), {
      size: 1,
      maxsize: 1,
      getters: 0,
      putters: 0,
      closed: false,
    });
    await putter;
    assert.equal(q.getNowait(), 'second');
  }, virtual);
});

test('a closed queue refuses puts, lets its items be drained, then get throws QueueClosedError', async () => {
  await run(function* () {
    const q = new Queue<number>({ maxsize: 5 });
    yield* q.put(1);
    yield* q.put(2);
    q.close();
    q.close(); // idempotent
    assert.equal(q.closed, true);
    let error: unknown;
    try {
      yield* q.put(3);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof QueueClosedError);
    assert.equal(error.message, 'Queue#1.put(): the queue is closed');
    assert.throws(() => q.putNowait(3), QueueClosedError);
    assert.equal(yield* q.get(), 1);
    assert.equal(q.getNowait(), 2);
    try {
      yield* q.get();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof QueueClosedError);
    assert.equal((error as QueueClosedError).code, 'ERR_SIMUL_QUEUE_CLOSED');
    assert.equal((error as Error).message, 'Queue#1.get(): the queue is closed and drained');
    assert.throws(() => q.getNowait(), QueueClosedError);
  }, virtual);
});

test('closing fails the waiting puts (their items are not put) and the waiting gets', async () => {
  await run(async () => {
    const full = new Queue<string>({ maxsize: 1 });
    await full.put('kept');
    const putter = spawn(() => outcome(full.put('refused')));
    const empty = new Queue<string>();
    const getter = spawn(() => outcome(empty.get()));
    await sleep(1);
    full.close();
    empty.close();
    assert.ok((await putter) instanceof QueueClosedError);
    assert.match(String(await getter), /the queue is closed and drained/);
    assert.equal(await full.get(), 'kept');
    await assert.rejects(async () => await full.get(), QueueClosedError);
  }, virtual);
});

test('a cancelled get loses no item', async () => {
  await run(async () => {
    const q = new Queue<string>();
    const impatient = spawn(() => moveOnAfter(5, () => q.get()));
    assert.equal(await impatient, undefined);
    assert.equal(q.statistics().getters, 0);
    await q.put('item');
    const cancelled = spawn(() => q.get());
    cancelled.cancel();
    await assert.rejects(async () => await cancelled, CancelledError);
    assert.equal(await q.get(), 'item');
  }, virtual);
});

test('a cancelled put delivers nothing', async () => {
  await run(async () => {
    const q = new Queue<string>({ maxsize: 1 });
    await q.put('first');
    const impatient = spawn(() => moveOnAfter(5, () => q.put('never')));
    assert.equal(await impatient, undefined);
    assert.equal(q.statistics().putters, 0);
    assert.equal(await q.get(), 'first');
    assert.equal(q.size, 0);
    assert.equal(await moveOnAfter(5, () => q.get()), undefined);
  }, virtual);
});

test('a getter cancelled at the same instant an item is handed to it still returns the item', async () => {
  await run(async () => {
    const q = new Queue<string>();
    const getter = spawn(async () => {
      const item = await q.get();
      try {
        await sleep(1); // throws: the task is cancelled
      } catch (e) {
        return `${item} (then ${(e as Error).name})`;
      }
    });
    await sleep(1);
    await q.put('handed over');
    getter.cancel();
    assert.equal(await getter, 'handed over (then CancelledError)');
  }, virtual);
});

test('a getter cancelled before a put never takes the item: the next getter does', async () => {
  await run(function* () {
    const q = new Queue<string>();
    const first = spawn(() => q.get());
    const second = spawn(() => q.get());
    yield* sleep(1);
    first.cancel();
    yield* q.put('item');
    assert.equal(yield* second, 'item');
  }, virtual);
});

test('for await, next() and forEach drain the queue and stop once it is closed', async () => {
  await run(async () => {
    const q = new Queue<number>({ maxsize: 2 });
    spawn(function* () {
      for (let i = 0; i < 5; i++) yield* q.put(i);
      q.close();
    });
    const seen: number[] = [];
    for await (const x of q) seen.push(x);
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
    assert.deepEqual(await q.next(), { value: undefined, done: true });
  }, virtual);
  await run(function* () {
    const q = new Queue<number>();
    spawn(async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(1);
        await q.put(i);
      }
      q.close();
    });
    const seen: number[] = [];
    for (let r = yield* q.next(); !r.done; r = yield* q.next()) seen.push(r.value);
    assert.deepEqual(seen, [0, 1, 2]);
  }, virtual);
  await run(function* () {
    const q = new Queue<number>();
    for (let i = 0; i < 3; i++) yield* q.put(i);
    q.close();
    const seen: number[] = [];
    yield* q.forEach(function* (x) {
      yield* sleep(1);
      seen.push(x);
    });
    assert.deepEqual(seen, [0, 1, 2]);
  }, virtual);
});

test('200,000 buffered items take linear time (no O(n) shift)', async () => {
  const time = async (n: number): Promise<number> =>
    run(function* () {
      const q = new Queue<number>();
      const start = performance.now();
      for (let i = 0; i < n; i++) yield* q.put(i);
      for (let i = 0; i < n; i++) assert.equal(yield* q.get(), i);
      return performance.now() - start;
    }, virtual);
  await time(20_000);
  const small = await time(50_000);
  const large = await time(200_000);
  assert.ok(large / small < 10, `50k: ${small.toFixed(1)} ms, 200k: ${large.toFixed(1)} ms`);
});

test('the dump shows which side waits and how full the queue is', async () => {
  await run(async () => {
    const q = new Queue<number>({ maxsize: 10, name: 'jobs' });
    spawn(() => q.get(), { name: 'consumer' });
    await sleep(1);
    assert.match(
      dumpTasks(),
      /#2 consumer \[waiting\]\n\s+waiting on Queue#1 \(jobs\) get \(empty, 0\/10 items; 1 waiting\)/,
    );
    for (let i = 0; i < 11; i++) await q.put(i);
    spawn(() => q.put(11), { name: 'producer' });
    await sleep(1);
    assert.match(dumpTasks(), /waiting on Queue#1 \(jobs\) put \(full, 10\/10 items; 1 waiting\)/);
    q.close();
  }, virtual).catch((e: unknown) => assert.ok(e instanceof QueueClosedError, String(e)));
});
