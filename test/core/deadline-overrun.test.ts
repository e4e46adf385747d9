// A deadline is binding: a withTimeout/moveOnAfter body that finishes after its deadline,
// because it sat in code simul cannot interrupt (a raw await of a foreign promise, or a long
// synchronous stretch), did not finish in time. withTimeout throws TimeoutError with the late
// result kept on `error.late`; moveOnAfter returns undefined; debug mode says where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  moveOnAfter,
  Queue,
  run,
  sleep,
  spawn,
  TimeoutError,
  withTimeout,
  yieldNow,
  type Warning,
} from '../../src/index.js';

const thisFile = fileURLToPath(import.meta.url);
const realDelay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('withTimeout: a body late out of a raw await throws TimeoutError, keeping its result', async () => {
  const warnings: Warning[] = [];
  const error = await run(
    async () => {
      try {
        await withTimeout(20, async () => {
          await realDelay(60); // the deadline passes here; simul cannot interrupt this await
          return 'late answer';
        });
      } catch (e) {
        return e;
      }
    },
    { debug: true, onWarning: (w) => warnings.push(w) },
  );
  assert.ok(error instanceof TimeoutError);
  assert.equal(error.late?.value, 'late answer');
  assert.ok((error.late?.overrunMs ?? 0) > 0);
  const overrun = warnings.find((w) => w.kind === 'deadline-overrun');
  assert.ok(overrun?.kind === 'deadline-overrun', JSON.stringify(warnings));
  assert.equal(overrun.scope, 'withTimeout(20)');
  assert.match(overrun.site ?? '', /deadline-overrun\.test\.js:\d+:\d+$/);
  assert.match(overrun.message, /could not interrupt/);
});

test('moveOnAfter: a late body gives undefined, in both styles', async () => {
  const asyncResult = await run(() =>
    moveOnAfter(10, async () => {
      await realDelay(40);
      return 'late';
    }),
  );
  assert.equal(asyncResult, undefined);
  // A generator body has no raw await; a long synchronous stretch is out of reach too.
  const generatorResult = await run(() =>
    moveOnAfter(10, function* () {
      yield* sleep(1);
      busy(30);
      return 'late';
    }),
  );
  assert.equal(generatorResult, undefined);
});

test('a body that reaches a simul wait after its deadline is cancelled there, as always', async () => {
  const log: string[] = [];
  await run(async () => {
    await moveOnAfter(10, async () => {
      await realDelay(30);
      log.push('back from the raw await');
      await sleep(1); // a cancellation point: the expired scope cancels here
      log.push('not reached');
    });
  });
  assert.deepEqual(log, ['back from the raw await']);
});

test('in time is in time: the body result stands, and no warning is given', async () => {
  const warnings: Warning[] = [];
  const value = await run(
    () =>
      withTimeout(1000, async () => {
        await realDelay(5);
        return 'ok';
      }),
    { debug: true, onWarning: (w) => warnings.push(w) },
  );
  assert.equal(value, 'ok');
  assert.deepEqual(
    warnings.filter((w) => w.kind === 'deadline-overrun'),
    [],
  );
});

test('under the virtual clock a foreign wait holds time, so it never overruns a deadline', async () => {
  const length = await run(() => withTimeout(100, async () => (await readFile(thisFile)).length), {
    clock: 'virtual',
  });
  assert.ok(length > 0);
});

test('debug mode reports a queue item taken by a Promise.race loser that nobody received', async () => {
  const warnings: Warning[] = [];
  const q = new Queue<string>();
  await run(
    async () => {
      const winner = await Promise.race([q.get(), sleep(50)]);
      assert.equal(winner, undefined); // the sleep won; the get is still parked
      await q.put('lost item'); // handed to the abandoned get
      await sleep(1);
    },
    { clock: 'virtual', debug: true, onWarning: (w) => warnings.push(w) },
  );
  assert.equal(q.statistics().size, 0, 'the item was taken');
  const dropped = warnings.find((w) => w.kind === 'dropped-result');
  assert.ok(dropped?.kind === 'dropped-result', JSON.stringify(warnings));
  assert.match(dropped.operation, /^Queue#\d+ get/);
  assert.match(dropped.site ?? '', /deadline-overrun\.test\.js:\d+:\d+$/);
});

test('a Promise.all of gets that completes one at a time is not reported', async () => {
  const warnings: Warning[] = [];
  const q1 = new Queue<number>();
  const q2 = new Queue<number>();
  const values = await run(
    async () => {
      spawn(async () => {
        await sleep(5);
        q1.putNowait(1);
        await sleep(5);
        q2.putNowait(2);
      });
      await yieldNow();
      return Promise.all([q1.get(), q2.get()]);
    },
    { clock: 'virtual', debug: true, onWarning: (w) => warnings.push(w) },
  );
  assert.deepEqual(values, [1, 2]);
  assert.deepEqual(warnings, []);
});
