import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  until,
  shield,
  dumpTasks,
  type Task,
  DeadlockError,
  TaskGroupError,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('under the virtual clock, a program where everyone waits forever gets a DeadlockError listing the waiting tasks', async () => {
  const error = await run(async () => {
    const a = spawn(
      async () => {
        await b;
      },
      { name: 'waits-for-b' },
    );
    const b = spawn(
      async () => {
        await a;
      },
      { name: 'waits-for-a' },
    );
    await a;
  }, virtual).catch((e: unknown) => e);
  assert.ok(error instanceof DeadlockError, String(error));
  assert.match(
    error.message,
    /#2 waits-for-b \[waiting\]\n\s+waiting on task #3 \(waits-for-a\) to finish/,
  );
  assert.match(
    error.message,
    /#3 waits-for-a \[waiting\]\n\s+waiting on task #2 \(waits-for-b\) to finish/,
  );
});

test('after a deadlock the tree is cancelled so every finally block runs', async () => {
  const log: string[] = [];
  const error = await run(async () => {
    const a: Task = spawn(async () => {
      try {
        await b;
      } finally {
        log.push('a finally');
      }
    });
    const b: Task = spawn(async () => {
      try {
        await a;
      } finally {
        log.push('b finally');
      }
    });
    try {
      await sleep(10);
    } finally {
      log.push('root finally');
    }
  }, virtual).catch((e: unknown) => e);
  assert.ok(error instanceof DeadlockError);
  assert.deepEqual(log.sort(), ['a finally', 'b finally', 'root finally']);
});

test('a pending timer is not a deadlock: the clock jumps to it', async () => {
  const t = await run(async () => {
    await sleep(1e9);
    return 'woke';
  }, virtual);
  assert.equal(t, 'woke');
});

test('a foreign wait in flight is not a deadlock', async () => {
  const value = await run(async () => {
    return until(new Promise((resolve) => setTimeout(() => resolve('late'), 20)));
  }, virtual);
  assert.equal(value, 'late');
});

test('a deadlock during cleanup after a deadlock still settles the run', async () => {
  const error = await run(async () => {
    const a: Task = spawn(async () => {
      try {
        await b;
      } finally {
        await shield(() => b); // cleanup that waits for the other, shielded: stuck again
      }
    });
    const b: Task = spawn(async () => {
      try {
        await a;
      } finally {
        await shield(() => a);
      }
    });
  }, virtual).catch((e: unknown) => e);
  const errors = error instanceof TaskGroupError ? error.errors : [error];
  assert.ok(errors.length > 0 && errors.every((e) => e instanceof DeadlockError), String(error));
});

test('dumpTasks shows the tree with what each task waits on', async () => {
  await run(async () => {
    spawn(() => sleep(500), { name: 'sleeper' });
    spawn(
      async () => {
        spawn(() => sleep(100), { name: 'grandchild' });
      },
      { name: 'parent' },
    );
    await sleep(1);
    const dump = dumpTasks();
    assert.match(dump, /^simul tasks at t=1ms:/);
    assert.match(dump, /#1 main \[running\]/);
    assert.match(dump, /#2 sleeper \[waiting\]\n\s+waiting on sleep\(500\) until t=500ms/);
    assert.match(dump, /#3 parent \[waiting\]\n\s+#4 grandchild \[waiting\]/);
  }, virtual);
});
