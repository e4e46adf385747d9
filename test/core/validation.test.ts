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
  Lock,
  Semaphore,
  Event,
  Condition,
  Barrier,
  Queue,
  Channel,
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
    () => run(fn, { debug: { blockingCalls: 'loud' as never } }),
    /options\.debug\.blockingCalls must be one of 'off', 'warn', 'throw', got "loud"/,
  );
  assert.throws(
    () => run(fn, { debug: { stuckMs: Infinity } }),
    /options\.debug\.stuckMs must be a finite number >= 0, got Infinity/,
  );
  assert.throws(
    () => run(fn, { debug: { allowBlocking: 'fs.*' as never } }),
    /options\.debug\.allowBlocking must be an array of names like 'fs\.readFileSync' or 'fs\.\*', got "fs\.\*"/,
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

test('an unknown option is an error, not ignored: new Queue({ maxSize: 4 })', () => {
  assert.throws(() => new Queue({ maxSize: 4 } as never), {
    name: 'TypeError',
    message: 'Queue(options): unknown option "maxSize"; did you mean "maxsize"?',
  });
});

test('an unknown option is an error, not ignored: run(fn, { timeout: 1000 })', () => {
  assert.throws(() => run(fn, { timeout: 1000 } as never), {
    name: 'TypeError',
    message:
      'run(main, options): unknown option "timeout"; the options are "clock", "schedule", ' +
      '"debug", "onWarning", "instruments", "handleSignals", "name", "maxSteps"',
  });
});

// Every options object of the public API, with a slip a user could make, and what the
// message says about it: the key meant when one is close, the list of keys otherwise.
const misspelt: [string, () => unknown, string][] = [
  [
    'run',
    () => run(fn, { Clock: 'virtual' } as never),
    'run(main, options): unknown option "Clock"; did you mean "clock"?',
  ],
  [
    'run: schedule',
    () => run(fn, { schedule: { policy: 'random', sed: 1 } as never }),
    'run: unknown option "schedule.sed"; did you mean "schedule.seed"?',
  ],
  [
    'run: debug',
    () => run(fn, { debug: { slowStep: 5 } as never }),
    'run: unknown option "debug.slowStep"; did you mean "debug.slowStepMs"?',
  ],
  [
    'Lock',
    () => new Lock({ named: 'a' } as never),
    'Lock(options): unknown option "named"; did you mean "name"?',
  ],
  [
    'Semaphore',
    () => new Semaphore(1, { maximum: 2 } as never),
    'Semaphore(n, options): unknown option "maximum"; the options are "max", "name"',
  ],
  [
    'Event',
    () => new Event({ nmae: 'e' } as never),
    'Event(options): unknown option "nmae"; did you mean "name"?',
  ],
  [
    'Condition',
    () => new Condition(undefined, { lock: new Lock() } as never),
    'Condition(lock, options): unknown option "lock"; the options are "name"',
  ],
  [
    'Barrier',
    () => new Barrier(2, { Name: 'b' } as never),
    'Barrier(n, options): unknown option "Name"; did you mean "name"?',
  ],
  [
    'Channel',
    () => new Channel(0, { capacity: 1 } as never),
    'Channel(capacity, options): unknown option "capacity"; the options are "name"',
  ],
];

for (const [where, call, message] of misspelt) {
  test(`${where} rejects an unknown option, naming it and the key probably meant`, () => {
    assert.throws(call, { name: 'TypeError', message });
  });
}

test('spawn, g.spawn and g.start reject an unknown option', async () => {
  await run(async () => {
    assert.throws(() => spawn(fn, { nam: 'x' } as never), {
      message: 'spawn(body, options): unknown option "nam"; did you mean "name"?',
    });
    await taskGroup(async (g) => {
      assert.throws(() => g.spawn(fn, { label: 'x' } as never), {
        message: 'g.spawn(body, options): unknown option "label"; the options are "name"',
      });
      assert.throws(() => g.start(fn, { NAME: 'x' } as never), {
        message: 'g.start(body, options): unknown option "NAME"; did you mean "name"?',
      });
    });
  });
});

test('all and race reject a single operation, task or promise, and say to wrap it in an array', async () => {
  // (The operation's class is whatever sleep() returns; the message names it.)
  assert.throws(() => all(sleep(1) as never), {
    name: 'TypeError',
    message:
      /^all\(ops\): ops must be an array of operations, got a single operation \(an instance of \w+\); wrap it in an array: all\(\[op\]\)$/,
  });
  assert.throws(() => race(Promise.resolve(1) as never), {
    name: 'TypeError',
    message:
      'race(ops): ops must be an array of operations, got a single promise ' +
      '(an instance of Promise); wrap it in an array: race([op])',
  });
  const singleTask =
    /ops must be an array of operations, got a single operation \(an instance of Task\); wrap it in an array/;
  await run(async () => {
    const task = spawn(async () => 1);
    assert.throws(() => all(task as never), singleTask);
    assert.throws(() => race(task as never), singleTask);
    assert.deepEqual(await all([task]), [1]);
  });
  await run(function* () {
    const task = spawn(function* () {
      return 2;
    });
    assert.throws(() => all(task as never), singleTask);
    assert.throws(() => race(task as never), singleTask);
    assert.deepEqual(yield* all([task]), [2]);
  });
});
