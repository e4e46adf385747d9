import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, spawn, sleep, now, moveOnAfter, dumpTasks, Event } from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('set() wakes every waiting task, in arrival order, and later waits return at once', async () => {
  const log: string[] = [];
  await run(async () => {
    const ready = new Event();
    for (let i = 0; i < 3; i++) {
      spawn(async () => {
        await sleep(i);
        await ready.wait();
        log.push(`async ${i} at t=${now()}`);
      });
    }
    spawn(async () => {
      await sleep(3);
      await ready.wait();
      log.push(`async 3 at t=${now()}`);
    });
    await sleep(10);
    assert.deepEqual(ready.statistics(), { set: false, waiting: 4 });
    ready.set();
    ready.set(); // idempotent
    assert.deepEqual(ready.statistics(), { set: true, waiting: 0 });
    await sleep(1);
    await ready.wait();
    log.push('after set: at once');
  }, virtual);
  assert.deepEqual(log, [
    'async 0 at t=10',
    'async 1 at t=10',
    'async 2 at t=10',
    'async 3 at t=10',
    'after set: at once',
  ]);
});

test('a wait on a set event completes in the same step', async () => {
  const log: string[] = [];
  await run(function* () {
    const ready = new Event();
    ready.set();
    spawn(function* () {
      log.push('other');
    });
    yield* ready.wait();
    log.push('waited');
  }, virtual);
  assert.deepEqual(log, ['waited', 'other']);
});

test('a cancelled wait leaves the queue and the others are still woken', async () => {
  await run(async () => {
    const ready = new Event();
    const timedOut = spawn(() => moveOnAfter(5, () => ready.wait()));
    const patient = spawn(function* () {
      yield* ready.wait();
      return 'woken';
    });
    await sleep(6);
    assert.equal(await timedOut, undefined);
    assert.equal(ready.statistics().waiting, 1);
    ready.set();
    assert.equal(await patient, 'woken');
  }, virtual);
});

test('isSet reports the flag, and the dump names the event', async () => {
  await run(async () => {
    const ready = new Event({ name: 'config' });
    assert.equal(ready.isSet(), false);
    spawn(() => ready.wait(), { name: 'reader' });
    await sleep(1);
    assert.match(
      dumpTasks(),
      /waiting on Event#1 \(config\) wait \(not set, 1 task\(s\) waiting\)/,
    );
    ready.set();
    assert.equal(ready.isSet(), true);
  }, virtual);
});
