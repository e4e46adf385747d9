// maxSteps: a run that takes more task steps than its budget (a livelock) fails with a
// StepLimitError holding the task dump, instead of spinning forever; even a livelock that
// cancellation cannot reach (a shielded one) ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, shield, spawn, StepLimitError, until, yieldNow } from '../../src/index.js';

const spinners: Record<string, () => unknown> = {
  async: async () => {
    for (;;) await yieldNow();
  },
  generator: function* () {
    for (;;) yield* yieldNow();
  },
};

for (const [style, spin] of Object.entries(spinners)) {
  test(`${style}: a livelock fails with StepLimitError naming the spinning task`, async () => {
    await assert.rejects(
      run(
        async () => {
          spawn(spin, { name: 'spinner' });
          // A foreign promise in the mix: the limit still ends the run.
          await until(new Promise((resolve) => setImmediate(resolve)));
        },
        { clock: 'virtual', maxSteps: 1000 },
      ),
      (error: unknown) => {
        assert.ok(error instanceof StepLimitError);
        assert.equal(error.code, 'ERR_SIMUL_STEP_LIMIT');
        assert.equal(error.maxSteps, 1000);
        assert.match(error.message, /^the run exceeded maxSteps \(1000 task steps\): a livelock\?/);
        assert.match(error.dump, /#2 spinner \[/);
        return true;
      },
    );
  });
}

test('a livelock that cancellation cannot reach (shielded) still ends, with StepLimitError', async () => {
  for (const spin of Object.values(spinners)) {
    await assert.rejects(
      run(() => shield(spin), { clock: 'virtual', maxSteps: 500 }),
      (error: unknown) => error instanceof StepLimitError,
    );
  }
});

test('a run within its step budget is not affected', async () => {
  const result = await run(
    async () => {
      for (let i = 0; i < 10; i++) await yieldNow();
      return 'done';
    },
    { clock: 'virtual', maxSteps: 11 },
  );
  assert.equal(result, 'done');
});

test('maxSteps must be an integer >= 1', () => {
  assert.throws(
    () => run(async () => {}, { maxSteps: 0 }),
    /run: options.maxSteps must be an integer >= 1, got 0/,
  );
  assert.throws(
    () => run(async () => {}, { maxSteps: 'many' as never }),
    /options.maxSteps must be an integer >= 1, got "many"/,
  );
});
