import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  now,
  all,
  race,
  TaskGroupError,
  CancelledError,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

const after = <T>(ms: number, value: T) =>
  spawn(async () => {
    await sleep(ms);
    return value;
  });

test('all returns every value in order, running them concurrently', async () => {
  const result = await run(async () => {
    const values = await all([after(30, 'a'), after(10, 'b'), sleep(20), Promise.resolve('p')]);
    return [values, now()];
  }, virtual);
  assert.deepEqual(result, [['a', 'b', undefined, 'p'], 30]);
});

test('all of nothing is an empty array', async () => {
  assert.deepEqual(await run(async () => all([])), []);
});

test('all: the first failure cancels the others and is thrown', async () => {
  const log: string[] = [];
  await run(async () => {
    const slow = spawn(async () => {
      try {
        await sleep(100);
      } finally {
        log.push(`slow cancelled at ${now()}`);
      }
    });
    const failing = async (): Promise<never> => {
      await sleep(10);
      throw new Error('failed fast');
    };
    await assert.rejects(
      async () => {
        await all([sleep(100), spawn(failing)]);
      },
      { message: 'failed fast' },
    );
    void slow;
  }, virtual).catch((e: unknown) => log.push(`run: ${(e as Error).message}`));
  assert.ok(log.includes('run: failed fast'));
});

test('all inside a generator task', async () => {
  const result = await run(function* () {
    return yield* all([sleep(5), after(5, 1)]);
  }, virtual);
  assert.deepEqual(result, [undefined, 1]);
});

test('race returns the first value and cancels the losers before returning', async () => {
  const log: string[] = [];
  const result = await run(async () => {
    const loser = async (): Promise<string> => {
      try {
        await sleep(100);
        return 'loser';
      } finally {
        log.push(`loser cleaned up at ${now()}`);
      }
    };
    const winner = await race([after(10, 'winner'), spawn(loser)]);
    log.push(`race returned at ${now()}`);
    return winner;
  }, virtual).catch((e: unknown) => e);
  // The loser is a task of its own (spawned here), joined by the race: cancelling the
  // race's join does not cancel the task itself, so it finishes on its own at t=100.
  assert.equal(result, 'winner');
  assert.deepEqual(log, ['race returned at 10', 'loser cleaned up at 100']);
});

test('race cancels operations it runs itself', async () => {
  const log: string[] = [];
  const result = await run(async () => {
    const value = await race([sleep(50), after(50, 'slow'), after(5, 'fast')]);
    log.push(`at ${now()}`);
    return value;
  }, virtual);
  assert.equal(result, 'fast');
  assert.deepEqual(log, ['at 5']);
});

test('race rejects with the first error', async () => {
  await run(async () => {
    await assert.rejects(
      async () => {
        await race([
          sleep(100),
          (async () => {
            throw new Error('first to settle');
          })(),
        ]);
      },
      { message: 'first to settle' },
    );
    assert.equal(now(), 0);
  }, virtual);
});

test('race of nothing is a RangeError; bad arguments are TypeErrors naming the index', () => {
  assert.throws(() => race([]), RangeError);
  assert.throws(
    () => all([sleep(1), 5] as never),
    /all\(ops\): ops\[1\] must be an operation, a task or a promise, got 5/,
  );
  assert.throws(() => all(5 as never), /all\(ops\): ops must be an array/);
  assert.throws(() => race(null as never), TypeError);
});

test('a cancelled all cancels its operations', async () => {
  await run(async () => {
    const t = spawn(() => all([sleep(100), sleep(200)]));
    await sleep(10);
    t.cancel();
    await assert.rejects(async () => {
      await t;
    }, CancelledError);
    assert.equal(now(), 10);
  }, virtual);
});

test('several failures in all make a TaskGroupError', async () => {
  const fail = (m: string) =>
    (async () => {
      throw new Error(m);
    })();
  await run(async () => {
    await assert.rejects(async () => {
      await all([fail('x'), fail('y')]);
    }, TaskGroupError);
  }, virtual);
});
