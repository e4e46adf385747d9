// A failure that does not come back on replay is reported as nondeterministic, with a note
// naming what the re-run saw: a foreign promise, Math.random, Date.now, or (when none of
// them) state kept between runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explore, spawn, until, yieldNow, type ExploreFailure } from '../../src/index.js';

async function onlyFailure(body: () => unknown, runs = 2): Promise<ExploreFailure> {
  const report = await explore(body, { runs });
  assert.equal(report.failures.length, 1);
  const failure = report.failures[0] as ExploreFailure;
  assert.equal(failure.nondeterministic, true);
  assert.match(failure.description, /^not described: the failure did not reproduce on replay/);
  return failure;
}

for (const style of ['async', 'generator'] as const) {
  test(`${style}: state kept between runs is named when nothing else was seen`, async () => {
    let calls = 0;
    const body =
      style === 'async'
        ? async () => {
            spawn(async () => yieldNow());
            if (++calls === 1) throw new Error('first run only');
          }
        : function* () {
            spawn(function* () {
              yield* yieldNow();
            });
            if (++calls === 1) throw new Error('first run only');
          };
    const failure = await onlyFailure(body);
    assert.match(failure.note ?? '', /replaying the same schedule succeeded/);
    assert.match(
      failure.note ?? '',
      /No foreign promise, Math.random or Date.now was seen.*state kept between runs/,
    );
  });

  test(`${style}: a foreign promise is named`, async () => {
    let calls = 0;
    const body =
      style === 'async'
        ? async () => {
            // A raw foreign await, one that outlasts the microtask queue (as I/O does).
            await new Promise((resolve) => setTimeout(resolve, 1));
            if (++calls === 1) throw new Error('first run only');
          }
        : function* () {
            yield* until(new Promise((resolve) => setImmediate(resolve)));
            if (++calls === 1) throw new Error('first run only');
          };
    const failure = await onlyFailure(body);
    assert.match(failure.note ?? '', /Likely culprits, seen in a re-run: a foreign promise/);
  });
}

test('Math.random and Date.now are named, and put back afterwards', async () => {
  const random = Math.random;
  const dateNow = Date.now;
  // Scripted, so the test is deterministic: the first run draws 0.1 and reads time 1.
  const draws = [0.1];
  const times = [1];
  Math.random = () => draws.shift() ?? 0.9;
  Date.now = () => times.shift() ?? 2;
  try {
    const failure = await onlyFailure(async () => {
      const draw = Math.random();
      const time = Date.now();
      if (draw < 0.5 && time === 1) throw new Error('unlucky');
    });
    assert.match(failure.note ?? '', /Math.random \(called once in one run\)/);
    assert.match(failure.note ?? '', /Date.now \(called once in one run; use now\(\)\)/);
  } finally {
    Math.random = random;
    Date.now = dateNow;
  }
  assert.equal(Math.random, random);
  assert.equal(Date.now, dateNow);
});

test('a failure that comes back differently on replay is nondeterministic too', async () => {
  let calls = 0;
  const failure = await onlyFailure(async () => {
    await yieldNow();
    throw new Error(`run ${++calls}`);
  }, 1);
  assert.match(
    failure.note ?? '',
    /replaying the same schedule failed differently \(Error: run 2\)/,
  );
});
