// Every public function of the core validates its arguments: TypeError for the wrong kind
// of value, RangeError for a number out of range, each naming the function, the argument
// and the value received (SPEC §1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  withTimeout,
  moveOnAfter,
  shield,
  until,
  fromCallback,
  callSoon,
  callLater,
  taskGroup,
  all,
  race,
} from '../../src/index.js';

const fn = (): void => {};

test('sleep validates ms', () => {
  assert.throws(() => sleep(NaN), {
    name: 'RangeError',
    message: 'sleep(ms): ms must be a finite number >= 0, got NaN',
  });
  assert.throws(() => sleep(-1), /got -1/);
  assert.throws(() => sleep(Infinity), RangeError);
  assert.throws(() => sleep('10' as never), {
    name: 'TypeError',
    message: 'sleep(ms): ms must be a finite number >= 0, got "10"',
  });
});

test('run validates main and its options', () => {
  assert.throws(() => run(5 as never), /run\(main\): main must be a function, got 5/);
  assert.throws(
    () => run(fn, 5 as never),
    /run\(main, options\): options must be an object, got 5/,
  );
  assert.throws(
    () => run(fn, { clock: 'fake' as never }),
    /options\.clock must be one of 'real', 'virtual', got "fake"/,
  );
  assert.throws(
    () => run(fn, { instruments: {} as never }),
    /options\.instruments must be an array/,
  );
  assert.throws(
    () => run(fn, { handleSignals: 'yes' as never }),
    /options\.handleSignals must be a boolean, got "yes"/,
  );
  assert.throws(() => run(fn, { name: 1 as never }), /options\.name must be a string, got 1/);
  assert.throws(
    () => run(fn, { onWarning: 1 as never }),
    /options\.onWarning must be a function, got 1/,
  );
  assert.throws(
    () => run(fn, { debug: { slowStepMs: -5 } }),
    /options\.debug\.slowStepMs must be a finite number >= 0, got -5/,
  );
  assert.throws(
    () => run(fn, { debug: { blockingCalls: 'warn' } }),
    /blockingCalls "warn" is not available/,
  );
  assert.throws(
    () => run(async function* () {} as never),
    /run\(main\): main must be an async function, a generator function or a function returning an operation, got an async generator function/,
  );
});

test('spawn and task groups validate the body and the options', async () => {
  await run(async () => {
    assert.throws(() => spawn(null as never), /spawn\(body\): body must be a function, got null/);
    assert.throws(() => spawn(async function* () {} as never), /got an async generator function/);
    assert.throws(
      () => spawn(fn, { name: 7 as never }),
      /spawn\(body, options\): options\.name must be a string, got 7/,
    );
    assert.throws(() => spawn(fn, 'x' as never), /options must be an object, got "x"/);
    assert.throws(
      () => taskGroup('x' as never),
      /taskGroup\(body\): body must be a function, got "x"/,
    );
    await taskGroup(async (g) => {
      assert.throws(
        () => g.spawn({} as never),
        /g\.spawn\(body\): body must be a function, got an instance of Object/,
      );
      assert.throws(() => g.start(1 as never), /g\.start\(body\): body must be a function, got 1/);
    });
  });
});

test('spawn outside a task names the rule', () => {
  assert.throws(() => spawn(fn), /spawn\(\) must be called inside a simul task/);
});

test('scopes validate their deadline and body', () => {
  assert.throws(
    () => withTimeout(NaN, fn),
    /withTimeout\(ms, body\): ms must be a finite number >= 0, got NaN/,
  );
  assert.throws(
    () => withTimeout(1, 2 as never),
    /withTimeout\(ms, body\): body must be a function, got 2/,
  );
  assert.throws(
    () => moveOnAfter(-3, fn),
    /moveOnAfter\(ms, body\): ms must be a finite number >= 0, got -3/,
  );
  assert.throws(
    () => shield(undefined as never),
    /shield\(body\): body must be a function, got undefined/,
  );
});

test('foreign waits validate what they wait on', () => {
  assert.throws(
    () => until(5 as never),
    /until\(promise\): promise must be a promise, a thenable or a function \(signal\) => promise, got 5/,
  );
  assert.throws(() => until({} as never), /got an instance of Object/);
  assert.throws(
    () => fromCallback('cb' as never),
    /fromCallback\(register\): register must be a function, got "cb"/,
  );
});

test('callbacks validate their arguments', async () => {
  await run(async () => {
    assert.throws(() => callSoon(1 as never), /callSoon\(fn\): fn must be a function, got 1/);
    assert.throws(
      () => callLater(-1, fn),
      /callLater\(ms, fn\): ms must be a finite number >= 0, got -1/,
    );
    assert.throws(
      () => callLater(1, null as never),
      /callLater\(ms, fn\): fn must be a function, got null/,
    );
  });
});

test('all and race validate their list', () => {
  assert.throws(
    () => all('ab' as never),
    /all\(ops\): ops must be an array \(or iterable\) of operations, got "ab"/,
  );
  assert.throws(
    () => all([sleep(1), 'a'] as never),
    /all\(ops\): ops\[1\] must be an operation, a task or a promise, got "a"/,
  );
  assert.throws(
    () => race([null] as never),
    /race\(ops\): ops\[0\] must be an operation, a task or a promise, got null/,
  );
});
