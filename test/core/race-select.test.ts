// race() over consuming waits commits at most one of them, as Go's select: a loser that
// could have taken an item, a lock or a permit in the same instant leaves it where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Channel,
  Lock,
  moveOnAfter,
  Queue,
  race,
  run,
  Semaphore,
  sleep,
  spawn,
  yieldNow,
  type RunOptions,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

test('race of two gets whose items arrive in the same instant takes one; the other stays queued', async () => {
  for (const style of ['async', 'generator'] as const) {
    const q1 = new Queue<string>();
    const q2 = new Queue<string>();
    let got: unknown;
    await run(async () => {
      const racer =
        style === 'async'
          ? spawn(async () => (got = await race([q1.get(), q2.get()])))
          : spawn(function* () {
              got = yield* race([q1.get(), q2.get()]);
            });
      await yieldNow();
      q1.putNowait('one'); // both gets are served in this one step
      q2.putNowait('two');
      await racer;
    }, virtual);
    assert.equal(got, 'one', style);
    assert.equal(q1.statistics().size, 0, style);
    assert.equal(q2.statistics().size, 1, `${style}: the losing get left its item`);
  }
});

test('a race of ready gets takes the first and never starts the others', async () => {
  const q1 = new Queue<number>();
  const q2 = new Queue<number>();
  q1.putNowait(1);
  q2.putNowait(2);
  const got = await run(() => race([q1.get(), q2.get()]), virtual);
  assert.equal(got, 1);
  assert.equal(q2.statistics().size, 1);
});

test('a lock.acquire() that loses to a sleep leaves the lock with the next waiter, not the racer', async () => {
  for (const style of ['async', 'generator'] as const) {
    const lock = new Lock();
    const log: string[] = [];
    await run(async () => {
      await lock.acquire();
      const racer =
        style === 'async'
          ? spawn(async () => log.push(`racer got ${await race([lock.acquire(), sleep(10)])}`), {
              name: 'racer',
            })
          : spawn(
              function* () {
                log.push(`racer got ${yield* race([lock.acquire(), sleep(10)])}`);
              },
              { name: 'racer' },
            );
      const next = spawn(
        async () => {
          await lock.acquire();
          log.push('next holds the lock');
          lock.release();
        },
        { name: 'next' },
      );
      await sleep(10); // the racer's sleep is due now too; the root's comes first
      lock.release();
      await racer;
      await next;
    }, virtual);
    assert.ok(log.includes('next holds the lock'), `${style}: ${log}`);
    assert.equal(lock.statistics().locked, false, style);
  }
});

test('a channel receive that loses leaves the sender waiting for the next receiver', async () => {
  for (const style of ['async', 'generator'] as const) {
    const log: string[] = [];
    await run(async () => {
      const ch = new Channel<string>(); // rendezvous: a send completes when a receive takes it
      const other = new Channel<string>();
      const racer =
        style === 'async'
          ? spawn(async () => race([ch.receive(), other.receive()]))
          : spawn(function* () {
              return yield* race([ch.receive(), other.receive()]);
            });
      await yieldNow();
      const a = spawn(async () => {
        await ch.send('a');
        log.push('a delivered');
      });
      const b = spawn(async () => {
        await other.send('b');
        log.push('b delivered');
      });
      log.push(`racer got ${await racer}`);
      log.push(`then got ${await other.receive()}`);
      await a;
      await b;
    }, virtual);
    assert.deepEqual(
      log.filter((line) => !line.endsWith('delivered')),
      ['racer got a', 'then got b'],
      style,
    );
    assert.ok(log.includes('a delivered') && log.includes('b delivered'), style);
  }
});

test('a cancelled race aborts every wait it started', async () => {
  const q = new Queue<number>();
  const sem = new Semaphore(0);
  await run(async () => {
    const racer = spawn(() => race([q.get(), sem.acquire(), sleep(1000)]));
    await yieldNow();
    racer.cancel();
    await sleep(1);
    q.putNowait(7);
    sem.release();
  }, virtual);
  assert.equal(q.statistics().size, 1, 'the item is still there');
  assert.equal(sem.statistics().value, 1, 'the permit is still there');
});

test('a mixed race (a composite and a get) still commits at most the get it returns', async () => {
  const q = new Queue<string>();
  const got = await run(async () => {
    spawn(async () => {
      await sleep(5);
      q.putNowait('item');
    });
    return race([q.get(), moveOnAfter(100, () => sleep(200))]);
  }, virtual);
  assert.equal(got, 'item');
});

test('property: under random and PCT schedules, racing consumers lose no item and no permit', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom<'random' | 'pct'>('random', 'pct'),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 10 }),
      fc.integer({ min: 1, max: 3 }),
      async (seed, policy, delays, consumers) => {
        const n = delays.length;
        const queues = [new Queue<number>(), new Queue<number>()];
        const sem = new Semaphore(0);
        const received: number[] = [];
        let permits = 0;
        let timeouts = 0;
        const options: RunOptions = { ...virtual, schedule: { policy, seed } };
        await run(async () => {
          // Each race: an item from either queue (a number), a permit (undefined), or, for
          // half of the consumers, a timeout (a string) that must take nothing.
          const take = (withTimeout: boolean) =>
            withTimeout
              ? race([queues[0].get(), queues[1].get(), sem.acquire(), timeout()])
              : race([queues[0].get(), queues[1].get(), sem.acquire()]);
          const record = (v: unknown): void => {
            if (typeof v === 'number') received.push(v);
            else if (v === undefined) permits++;
            else timeouts++;
          };
          const crew = [];
          for (let c = 0; c < consumers; c++) {
            const withTimeout = c % 2 === 1;
            crew.push(
              c % 2 === 0
                ? spawn(async () => {
                    for (;;) record(await take(withTimeout));
                  })
                : spawn(function* () {
                    for (;;) record(yield* take(withTimeout));
                  }),
            );
          }
          delays.forEach((delay, i) =>
            spawn(async () => {
              await sleep(delay);
              queues[i % 2].putNowait(i);
              sem.release();
            }),
          );
          for (let i = 0; i < 100 && received.length + permits < 2 * n; i++) await sleep(1);
          for (const task of crew) task.cancel();
        }, options);
        assert.deepEqual(
          received.sort((a, b) => a - b),
          delays.map((_, i) => i),
          'every item is received exactly once',
        );
        assert.equal(permits, n, 'every permit is taken exactly once');
        assert.equal(queues[0].statistics().size + queues[1].statistics().size, 0);
        assert.equal(sem.statistics().value, 0);
        void timeouts;
      },
    ),
    { numRuns: 200 },
  );
});

/** A task that ends after 1 ms with a string, so that a race can tell it from a permit. */
function timeout() {
  return spawn(async () => {
    await sleep(1);
    return 'timeout';
  });
}
