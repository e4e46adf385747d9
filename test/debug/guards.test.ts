// SPEC §7: each guard fires on the bad program and stays silent on the good one, in both
// task styles (async-function and generator tasks), with foreign promises in the mix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  all,
  Barrier,
  BlockingCallError,
  Channel,
  Condition,
  Event,
  Lock,
  Queue,
  Semaphore,
  race,
  run,
  shield,
  sleep,
  spawn,
  type RunOptions,
  type Warning,
} from '../../src/index.js';
import { blockingCallsPatched } from '../../src/debug/index.js';

const require = createRequire(import.meta.url);
const here = new URL(import.meta.url).pathname;

/** Runs `main` in debug mode and returns the warnings of the kind asked for. */
async function warningsOf(
  kind: Warning['kind'],
  main: () => unknown,
  options: RunOptions = {},
): Promise<Warning[]> {
  const warnings: Warning[] = [];
  await run(main, {
    clock: 'virtual',
    ...options,
    debug: options.debug ?? true,
    onWarning: (w) => warnings.push(w),
  });
  return warnings.filter((w) => w.kind === kind);
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until); // CPU-bound, no wait
}

// --- slow and stuck steps --------------------------------------------------------------

for (const style of ['async', 'generator'] as const) {
  test(`${style}: a slow step is reported with the task, where it was spawned and the duration`, async () => {
    const body =
      style === 'async'
        ? async () => {
            await Promise.resolve(); // a foreign promise in the mix
            await sleep(1);
            busy(30);
            await sleep(1);
          }
        : function* () {
            yield* sleep(1);
            busy(30);
            yield* sleep(1);
          };
    const warnings = await warningsOf(
      'slow-step',
      () => {
        spawn(body, { name: 'hog' });
      },
      { debug: { slowStepMs: 10 } },
    );
    // (A busy machine may make another step slow too: the hog's must be among them.)
    const hog = warnings.find((w) => w.kind === 'slow-step' && w.durationMs >= 30);
    assert.ok(hog, JSON.stringify(warnings));
    assert.match(
      hog.message,
      /^task #2 \(hog\), body at \S+guards\.test\.js:\d+:\d+ held the loop for \d+\.\d ms in one step \(slowStepMs 10\)/,
    );
  });

  test(`${style}: steps that wait instead of spinning are not reported as slow`, async () => {
    const warnings = await warningsOf(
      'slow-step',
      style === 'async'
        ? async () => {
            for (let i = 0; i < 5; i++) await sleep(100);
          }
        : function* () {
            for (let i = 0; i < 5; i++) yield* sleep(100);
          },
      { debug: { slowStepMs: 50 } },
    );
    assert.deepEqual(warnings, []);
  });

  test(`${style}: a step past stuckMs gets the stuck-step warning once it ends`, async () => {
    const warnings = await warningsOf(
      'stuck-step',
      style === 'async'
        ? async () => {
            await sleep(1);
            busy(60);
          }
        : function* () {
            yield* sleep(1);
            busy(60);
          },
      { debug: { stuckMs: 20 } },
    );
    const stuck = warnings.find((w) => w.kind === 'stuck-step' && w.durationMs >= 60);
    assert.ok(stuck, JSON.stringify(warnings));
    assert.match(stuck.message, /held the loop for \d+\.\d ms in one step \(stuckMs 20;/);
  });
}

// --- blocking calls ------------------------------------------------------------------------

for (const style of ['async', 'generator'] as const) {
  test(`${style}: blocking calls are reported through ESM named imports and require(), with the caller's line`, async () => {
    const calls = (): void => {
      readFileSync(here); // an ESM named import
      require('node:fs').statSync(here); // CommonJS
      require('node:zlib').gzipSync(Buffer.from('x'));
    };
    const warnings = await warningsOf(
      'blocking-call',
      style === 'async'
        ? async () => {
            await sleep(1);
            calls();
          }
        : function* () {
            yield* sleep(1);
            calls();
          },
    );
    assert.deepEqual(
      warnings.map((w) => (w.kind === 'blocking-call' ? w.api : '')),
      ['fs.readFileSync', 'fs.statSync', 'zlib.gzipSync'], // not fs.openSync inside readFileSync
    );
    for (const w of warnings) {
      assert.match(
        w.message,
        /^task #1 \(\w+\), body at .* called \S+ at \S+guards\.test\.js:\d+:\d+, which blocks the whole loop/,
      );
    }
  });

  test(`${style}: blockingCalls 'throw' throws BlockingCallError into the task`, async () => {
    const error = await run(
      style === 'async'
        ? async () => {
            await sleep(1);
            fs.readFileSync(here);
          }
        : function* () {
            yield* sleep(1);
            fs.readFileSync(here);
          },
      { debug: { blockingCalls: 'throw' }, clock: 'virtual' },
    ).then(
      () => assert.fail('expected BlockingCallError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BlockingCallError, String(error));
    assert.match(error.message, /called fs\.readFileSync at \S+guards\.test\.js/);
  });

  test(`${style}: allowed, 'off' and out-of-step blocking calls are not reported`, async () => {
    const allowed = await warningsOf(
      'blocking-call',
      style === 'async'
        ? async () => {
            readFileSync(here);
            fs.statSync(here);
            await sleep(1);
          }
        : function* () {
            readFileSync(here);
            fs.statSync(here);
            yield* sleep(1);
          },
      { debug: { allowBlocking: ['fs.readFileSync', 'fs.stat*'.replace('*', 'Sync')] } },
    );
    assert.deepEqual(allowed, []);
    const off = await warningsOf(
      'blocking-call',
      async () => {
        assert.equal(blockingCallsPatched(), false, 'off leaves the built-ins untouched');
        readFileSync(here);
        await sleep(1);
      },
      { debug: { blockingCalls: 'off' } },
    );
    assert.deepEqual(off, []);
  });
}

test('a warning handler that itself blocks (a write to a file) is not reported again', async () => {
  const warnings: Warning[] = [];
  await run(
    async () => {
      await sleep(1);
      fs.statSync(here);
    },
    {
      clock: 'virtual',
      debug: true,
      onWarning: (w) => {
        warnings.push(w);
        fs.fstatSync(2); // what a synchronous write to stderr does underneath
      },
    },
  );
  assert.deepEqual(
    warnings.map((w) => (w.kind === 'blocking-call' ? w.api : w.kind)),
    ['fs.statSync'],
  );
});

test('the built-ins are restored when the last run that patched them ends', async () => {
  const original = fs.readFileSync;
  await run(
    async () => {
      assert.notEqual(fs.readFileSync, original);
      await sleep(5);
    },
    { debug: true, onWarning: () => {} },
  );
  assert.equal(fs.readFileSync, original);
  assert.equal(readFileSync, original, 'the ESM binding too');
  // What hangs off a wrapped function is still there while it is wrapped.
  await run(
    async () => {
      assert.equal(typeof fs.realpathSync.native, 'function');
    },
    { debug: { allowBlocking: ['*'] } },
  );
  // Two runs at once: the first to end leaves the patch to the other.
  const first = run(() => sleep(1), { debug: true });
  const second = run(() => sleep(20), { debug: true });
  await first;
  assert.equal(blockingCallsPatched(), true);
  await second;
  assert.equal(blockingCallsPatched(), false);
  assert.equal(readFileSync, original);
});

// --- operations never waited on ----------------------------------------------------------

for (const style of ['async', 'generator'] as const) {
  test(`${style}: an operation made and never waited on is reported with where it was made`, async () => {
    const warnings = await warningsOf(
      'unawaited-operation',
      style === 'async'
        ? async function forgetful() {
            sleep(1000); // the missing await
            await sleep(1);
          }
        : function* forgetful() {
            sleep(1000); // the missing yield*
            yield* sleep(1);
          },
    );
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0].message,
      /^task #1 \(forgetful\), body at \S+ made sleep\(1000\) at \S+guards\.test\.js:\d+:\d+ and never waited on it/,
    );
  });

  test(`${style}: operations awaited later or handed to all, race, spawn or Promise.all are not reported`, async () => {
    const warnings = await warningsOf(
      'unawaited-operation',
      style === 'async'
        ? async () => {
            const later = sleep(2);
            await sleep(1);
            await later;
            await all([sleep(1), sleep(2)]);
            await race([sleep(1), sleep(2)]);
            await spawn(() => sleep(1));
            await Promise.all([sleep(1), new Promise((r) => setImmediate(r))]);
          }
        : function* () {
            const later = sleep(2);
            yield* sleep(1);
            yield* later;
            yield* all([sleep(1), sleep(2)]);
            yield* race([sleep(1), sleep(2)]);
            yield* spawn(() => sleep(1));
          },
    );
    assert.deepEqual(warnings, []);
  });
}

test('primitives made in a task, whose waits are never used, are not reported', async () => {
  for (const style of ['async', 'generator'] as const) {
    const make = (): void => {
      new Lock();
      new Queue();
      new Channel();
      new Event();
      new Semaphore(1);
      new Condition();
      new Barrier(2);
    };
    const warnings = await warningsOf(
      'unawaited-operation',
      style === 'async'
        ? async () => {
            make();
            await sleep(1);
          }
        : function* () {
            make();
            yield* sleep(1);
          },
    );
    assert.deepEqual(warnings, [], style);
  }
});

// --- cleanup that cannot wait -------------------------------------------------------------

for (const style of ['async', 'generator'] as const) {
  test(`${style}: a wait in a cancelled task's finally is reported, with the advice to shield it`, async () => {
    const reached: string[] = [];
    const warnings = await warningsOf('cancelled-cleanup', async () => {
      const task = spawn(
        style === 'async'
          ? async () => {
              try {
                await sleep(100);
              } finally {
                await sleep(1); // throws CancelledError at once
                reached.push('after the wait');
              }
            }
          : function* () {
              try {
                yield* sleep(100);
              } finally {
                yield* sleep(1);
                reached.push('after the wait');
              }
            },
        { name: 'cleaner' },
      );
      await sleep(1);
      task.cancel();
    });
    assert.deepEqual(reached, []);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0].message,
      /^task #2 \(cleaner\), body at \S+: sleep\(1\) \(at \S+guards\.test\.js:\d+:\d+\) threw CancelledError at once: .* wrap cleanup that must wait in shield\(\.\.\.\)$/,
    );
  });

  test(`${style}: shielded cleanup and the cancellation itself are not reported`, async () => {
    const reached: string[] = [];
    const warnings = await warningsOf('cancelled-cleanup', async () => {
      const task = spawn(
        style === 'async'
          ? async () => {
              try {
                await sleep(100);
              } finally {
                await shield(() => sleep(1));
                reached.push('after the wait');
              }
            }
          : function* () {
              try {
                yield* sleep(100);
              } finally {
                yield* shield(() => sleep(1));
                reached.push('after the wait');
              }
            },
      );
      await sleep(1);
      task.cancel();
    });
    assert.deepEqual(reached, ['after the wait']);
    assert.deepEqual(warnings, []);
  });
}
