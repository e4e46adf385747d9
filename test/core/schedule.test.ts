import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ReplayError,
  run,
  spawn,
  sleep,
  yieldNow,
  type Instrument,
  type RunOptions,
} from '../../src/index.js';
import type { Loop } from '../../src/core/loop.js';

/** A program with many interleaving points: 6 workers, each yielding and sleeping. */
async function workload(log: string[]): Promise<void> {
  for (let w = 0; w < 6; w++) {
    spawn(async () => {
      for (let i = 0; i < 4; i++) {
        log.push(`w${w}.${i}`);
        if (i % 2 === 0) await yieldNow();
        else await sleep(10);
      }
    });
  }
}

function* genWorkload(log: string[]): Generator<unknown, void, unknown> {
  for (let w = 0; w < 6; w++) {
    spawn(function* () {
      for (let i = 0; i < 4; i++) {
        log.push(`g${w}.${i}`);
        yield* i % 2 === 0 ? yieldNow() : sleep(10);
      }
    });
  }
}

async function trace(options: RunOptions): Promise<string[]> {
  const log: string[] = [];
  const steps: string[] = [];
  const recorder: Instrument = { stepStarted: (t) => steps.push(String(t.id)) };
  await run(
    async () => {
      await workload(log);
      spawn(function* () {
        yield* genWorkload(log);
      });
    },
    { clock: 'virtual', ...options, instruments: [recorder] },
  );
  return [...log, '|', ...steps];
}

test('fifo is deterministic and runs ready tasks in the order they became ready', async () => {
  const a = await trace({});
  const b = await trace({ schedule: { policy: 'fifo' } });
  assert.deepEqual(a, b);
  assert.deepEqual(a.slice(0, 6), ['w0.0', 'w1.0', 'w2.0', 'w3.0', 'w4.0', 'w5.0']);
});

for (const policy of ['random', 'pct'] as const) {
  test(`${policy}: the same seed gives the same order of steps`, async () => {
    for (const seed of [1, 2, 3, 12345]) {
      const a = await trace({ schedule: { policy, seed } });
      const b = await trace({ schedule: { policy, seed } });
      assert.deepEqual(a, b, `seed ${seed}`);
    }
  });

  test(`${policy}: different seeds explore different orders`, async () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      orders.add((await trace({ schedule: { policy, seed, depth: 3 } })).join());
    }
    assert.ok(orders.size > 5, `only ${orders.size} distinct orders in 20 seeds`);
  });
}

test('a recorded choice stream replays the same schedule without the seed', async () => {
  const choices: number[] = [];
  const log: string[] = [];
  const options: RunOptions = { clock: 'virtual', schedule: { policy: 'random', seed: 77 } };
  // Recover the choices through a replayed run: the policy keeps them.
  const recorded = await recordChoices(options, log);
  choices.push(...recorded);
  assert.ok(choices.length > 0);
  const replayLog: string[] = [];
  await recordChoices(
    { clock: 'virtual', schedule: { policy: 'fifo', replay: choices } },
    replayLog,
  );
  assert.deepEqual(replayLog, log);
});

/** Runs the workload and returns the choices its policy made (read through an instrument). */
async function recordChoices(options: RunOptions, log: string[]): Promise<number[]> {
  let loop: Loop | undefined;
  const grab: Instrument = {
    taskSpawned: (t) => {
      loop ??= t.loop;
    },
  };
  await run(() => workload(log), { ...options, instruments: [grab] });
  return [...(loop?.policy.choices ?? [])];
}

test('timers due at the same instant are a schedule choice under random', async () => {
  const firsts = new Set<number>();
  for (let seed = 0; seed < 30; seed++) {
    const order: number[] = [];
    await run(
      async () => {
        for (let i = 0; i < 4; i++)
          spawn(async () => {
            await sleep(100);
            order.push(i);
          });
      },
      { clock: 'virtual', schedule: { policy: 'random', seed } },
    );
    firsts.add(order[0]);
  }
  assert.ok(firsts.size > 1, 'the same timer fired first for every seed');
});

test('bad schedule options are rejected with the option named', () => {
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'lifo' as never } }),
    /options\.schedule\.policy must be one of 'fifo', 'random', 'pct', got "lifo"/,
  );
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'random', seed: 1.5 } }),
    /options\.schedule\.seed must be an integer/,
  );
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'pct', depth: 0 } }),
    /options\.schedule\.depth must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'fifo', replay: [-1] } }),
    /replay must be an array of integers >= 0/,
  );
});

test('schedule.record collects every choice, zeros included, even under FIFO', async () => {
  const fifo: number[] = [];
  await run(() => workload([]), { clock: 'virtual', schedule: { policy: 'fifo', record: fifo } });
  assert.ok(fifo.length > 0 && fifo.every((c) => c === 0));
  const random: number[] = [];
  await run(() => workload([]), {
    clock: 'virtual',
    schedule: { policy: 'random', seed: 5, record: random },
  });
  assert.ok(random.some((c) => c !== 0));
});

test('schedule.exact: a trace that does not fit fails the run with ReplayError', async () => {
  await assert.rejects(
    run(() => workload([]), {
      clock: 'virtual',
      schedule: { policy: 'fifo', replay: [0, 99], exact: true },
    }),
    (error: unknown) =>
      error instanceof ReplayError &&
      /choice #1 of the trace is 99, out of range/.test(error.message),
  );
  await assert.rejects(
    run(() => workload([]), {
      clock: 'virtual',
      schedule: { policy: 'fifo', replay: [], exact: true },
    }),
    /the trace is too short: the run needs choice #0/,
  );
});

test('schedule.onChoice sees each choice with its candidates, ready steps and timers', async () => {
  const kinds = new Set<string>();
  await run(() => workload([]), {
    clock: 'virtual',
    schedule: {
      policy: 'random',
      seed: 1,
      onChoice: (rank, candidates) => {
        assert.ok(rank >= 0 && rank < candidates.length);
        kinds.add(candidates.kind);
      },
    },
  });
  assert.deepEqual([...kinds].sort(), ['ready', 'timer']);
});

test('bad exact, record and onChoice options are named', () => {
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'fifo', exact: true } }),
    /options.schedule.exact needs options.schedule.replay/,
  );
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'fifo', record: 'x' as never } }),
    /options.schedule.record must be an array to append choices to, got "x"/,
  );
  assert.throws(
    () => run(async () => {}, { schedule: { policy: 'fifo', onChoice: 3 as never } }),
    /options.schedule.onChoice must be a function, got 3/,
  );
});
