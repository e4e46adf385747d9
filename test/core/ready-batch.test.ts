// The batch a policy chooses from: choices are ranks among the runnables still waiting, in
// the order they became ready, so 0 is always the oldest (what FIFO takes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReadyBatch } from '../../src/core/ready-batch.js';
import { run, spawn, yieldNow } from '../../src/index.js';

test('property: taking by rank gives what splicing an array in readiness order gives', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 300 }),
      fc.array(fc.nat(), { maxLength: 300 }),
      (n, picks) => {
        const batch = new ReadyBatch<number>();
        let next = 0;
        batch.fill(n, () => next++);
        const model = Array.from({ length: n }, (_, i) => i);
        for (const pick of picks) {
          if (model.length === 0) break;
          const rank = pick % model.length;
          assert.equal(batch.at(rank), model[rank]);
          assert.equal(batch.take(rank), model.splice(rank, 1)[0]);
          assert.equal(batch.length, model.length);
        }
      },
    ),
  );
});

test('a batch can be refilled, larger or smaller, after it ran dry', () => {
  const batch = new ReadyBatch<string>();
  for (const n of [3, 40, 1, 17]) {
    const items = Array.from({ length: n }, (_, i) => `${n}:${i}`);
    let i = 0;
    batch.fill(n, () => items[i++]);
    const taken: string[] = [];
    while (batch.length > 0) taken.push(batch.take(batch.length - 1));
    assert.deepEqual(taken, [...items].reverse());
  }
});

test('a recorded trace of all zeros replays the FIFO order, whatever the policy recorded', async () => {
  const order = async (schedule: object): Promise<string> => {
    const log: string[] = [];
    await run(
      async () => {
        for (const name of 'abcde') {
          spawn(async () => {
            for (let i = 0; i < 3; i++) {
              log.push(name);
              await yieldNow();
            }
          });
        }
      },
      { clock: 'virtual', schedule: schedule as never },
    );
    return log.join('');
  };
  const fifo = await order({ policy: 'fifo' });
  assert.equal(fifo, 'abcde'.repeat(3));
  assert.equal(await order({ policy: 'random', seed: 7, replay: new Array(100).fill(0) }), fifo);
});

test('100,000 tasks released at once under the random policy run, each once', async () => {
  let ran = 0;
  await run(
    async () => {
      for (let i = 0; i < 100_000; i++) spawn(() => void ran++);
    },
    { clock: 'virtual', schedule: { policy: 'random', seed: 1 } },
  );
  assert.equal(ran, 100_000);
});
