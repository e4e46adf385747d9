// A program blocked forever on a primitive, under the virtual clock, ends with the core's
// DeadlockError; these tests pin down that the report names the primitive and its holder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  run,
  spawn,
  sleep,
  Lock,
  Semaphore,
  Event,
  Condition,
  Barrier,
  Queue,
  Channel,
  DeadlockError,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

async function deadlockOf(main: () => unknown): Promise<DeadlockError> {
  const error = await run(main, virtual).then(
    () => assert.fail('expected a deadlock'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DeadlockError, String(error));
  return error;
}

test('two locks taken in opposite orders: the report names each lock and who holds it', async () => {
  const a = new Lock({ name: 'a' });
  const b = new Lock({ name: 'b' });
  const error = await deadlockOf(async () => {
    spawn(
      async () => {
        await a.acquire();
        await sleep(1);
        await b.acquire();
      },
      { name: 'first' },
    );
    spawn(
      function* () {
        yield* b.acquire();
        yield* sleep(1);
        yield* a.acquire();
      },
      { name: 'second' },
    );
  });
  assert.match(
    error.message,
    /#2 first \[waiting\]\n\s+waiting on Lock#\d \(b\) held by task #3 \(second\)/,
  );
  assert.match(
    error.message,
    /#3 second \[waiting\]\n\s+waiting on Lock#\d \(a\) held by task #2 \(first\)/,
  );
  // The tree was cancelled so that finally blocks run: nobody is left in the queues.
  assert.equal(a.statistics().waiting, 0);
  assert.equal(b.statistics().waiting, 0);
});

test('a lock leaked by a task that finished is reported as held by a finished task', async () => {
  const error = await deadlockOf(async () => {
    const lock = new Lock();
    await spawn(() => lock.acquire(), { name: 'leaker' });
    await lock.acquire();
  });
  assert.match(error.message, /waiting on Lock#1 held by task #2 \(leaker, done\)/);
});

test('a consumer of a queue nobody fills: the report names the queue and its fill', async () => {
  const error = await deadlockOf(function* () {
    const jobs = new Queue<number>({ maxsize: 10, name: 'jobs' });
    yield* jobs.get();
  });
  assert.match(
    error.message,
    /#1 main \[waiting\]\n\s+waiting on Queue#1 \(jobs\) get \(empty, 0\/10 items; 1 waiting\)/,
  );
});

test('a producer nobody consumes, on a rendezvous channel and on a full queue', async () => {
  const error = await deadlockOf(async () => {
    const ch = new Channel<number>();
    const q = new Queue<number>({ maxsize: 1 });
    spawn(() => ch.send(1), { name: 'sender' });
    spawn(
      function* () {
        yield* q.put(1);
        yield* q.put(2);
      },
      { name: 'putter' },
    );
  });
  assert.match(
    error.message,
    /#2 sender \[waiting\]\n\s+waiting on Channel#1 send \(rendezvous, no receiver; 1 waiting\)/,
  );
  assert.match(
    error.message,
    /#3 putter \[waiting\]\n\s+waiting on Queue#1 put \(full, 1\/1 items; 1 waiting\)/,
  );
});

test('an event never set, a condition never notified, a barrier one short, a semaphore drained', async () => {
  const error = await deadlockOf(async () => {
    const event = new Event({ name: 'ready' });
    const cond = new Condition();
    const barrier = new Barrier(3);
    const sem = new Semaphore(0);
    spawn(() => event.wait(), { name: 'e' });
    spawn(() => cond.withLock(() => cond.wait()), { name: 'c' });
    spawn(() => barrier.wait(), { name: 'b1' });
    spawn(() => barrier.wait(), { name: 'b2' });
    spawn(() => sem.acquire(), { name: 's' });
  });
  const message = error.message;
  assert.match(
    message,
    /#2 e \[waiting\]\n\s+waiting on Event#1 \(ready\) wait \(not set, 1 task\(s\) waiting\)/,
  );
  assert.match(message, /waiting on Condition#1 wait \(not notified; 1 task\(s\) waiting\)/);
  assert.match(message, /#4 b1 \[waiting\]\n\s+waiting on Barrier#1 wait \(2\/3 arrived\)/);
  assert.match(
    message,
    /#6 s \[waiting\]\n\s+waiting on Semaphore#1 acquire \(0 permits free, 1 task\(s\) waiting\)/,
  );
});

test('the same program reports the same primitive numbers on every run (module-level primitives too)', async () => {
  const shared = new Lock({ name: 'shared' });
  const program = async (): Promise<void> => {
    const local = new Queue<number>();
    spawn(
      async () => {
        await shared.acquire();
        try {
          await local.get();
        } finally {
          shared.release(); // runs when the deadlock cancels the tree: the next run starts clean
        }
      },
      { name: 'x' },
    );
    spawn(
      async () => {
        await sleep(1);
        await shared.acquire();
      },
      { name: 'y' },
    );
  };
  const first = await deadlockOf(program);
  const second = await deadlockOf(program);
  assert.equal(first.message, second.message);
  assert.match(first.message, /waiting on Lock#1 \(shared\) held by task #2 \(x\)$/m);
  assert.match(first.message, /waiting on Queue#1 get/);
  assert.equal(shared.locked(), false);
});
