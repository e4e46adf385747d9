import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, spawn, sleep, now, all, moveOnAfter, dumpTasks, Barrier } from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('bad sizes are rejected with a message naming the argument', () => {
  assert.throws(() => new Barrier(0), {
    name: 'RangeError',
    message: 'Barrier(n): n must be an integer >= 1, got 0',
  });
  assert.throws(() => new Barrier(2.5), {
    name: 'RangeError',
    message: 'Barrier(n): n must be an integer >= 1, got 2.5',
  });
  assert.throws(() => new Barrier(undefined as never), {
    name: 'TypeError',
    message: 'Barrier(n): n must be an integer >= 1, got undefined',
  });
});

test('nobody passes until n tasks wait; each gets its arrival index; the last does not wait', async () => {
  const log: string[] = [];
  await run(async () => {
    const barrier = new Barrier(3);
    const tasks = [0, 1, 2].map((i) =>
      i === 1
        ? spawn(function* () {
            yield* sleep(10 * i);
            const index = yield* barrier.wait();
            log.push(`g${i} index ${index} at t=${now()}`);
          })
        : spawn(async () => {
            await sleep(10 * i);
            const index = await barrier.wait();
            log.push(`a${i} index ${index} at t=${now()}`);
          }),
    );
    await sleep(15);
    assert.deepEqual(barrier.statistics(), { parties: 3, waiting: 2, generation: 0 });
    await all(tasks);
    assert.deepEqual(barrier.statistics(), { parties: 3, waiting: 0, generation: 1 });
  }, virtual);
  assert.deepEqual(log.sort(), ['a0 index 0 at t=20', 'a2 index 2 at t=20', 'g1 index 1 at t=20']);
});

test('the barrier is cyclic: the next n arrivals form the next round', async () => {
  const rounds: number[][] = [[], [], []];
  await run(async () => {
    const barrier = new Barrier(2);
    for (let t = 0; t < 2; t++) {
      spawn(async () => {
        for (let r = 0; r < 3; r++) {
          await sleep(t + r);
          rounds[r].push(await barrier.wait());
        }
      });
    }
  }, virtual);
  assert.deepEqual(
    rounds.map((r) => r.sort()),
    [
      [0, 1],
      [0, 1],
      [0, 1],
    ],
  );
});

test('a cancelled wait does not count as an arrival', async () => {
  await run(async () => {
    const barrier = new Barrier(2);
    const quitter = spawn(() => moveOnAfter(5, () => barrier.wait()));
    assert.equal(await quitter, undefined);
    assert.equal(barrier.statistics().waiting, 0);
    const a = spawn(() => barrier.wait());
    await sleep(10);
    assert.equal(barrier.statistics().waiting, 1, 'still waiting: the quitter did not count');
    const b = spawn(() => barrier.wait());
    assert.deepEqual(await all([a, b]), [0, 1]);
  }, virtual);
});

test('Barrier(1) never waits', async () => {
  await run(function* () {
    const barrier = new Barrier(1);
    assert.equal(yield* barrier.wait(), 0);
    assert.equal(yield* barrier.wait(), 0);
    assert.equal(barrier.statistics().generation, 2);
  }, virtual);
});

test('the dump shows how many have arrived', async () => {
  await run(async () => {
    const barrier = new Barrier(3);
    spawn(() => barrier.wait());
    await sleep(1);
    assert.match(dumpTasks(), /waiting on Barrier#1 wait \(1\/3 arrived\)/);
    spawn(() => barrier.wait());
    spawn(() => barrier.wait());
  }, virtual);
});
