// One scheduler for both task styles: the loop runs one step at a time, in the order the
// schedule policy chooses, and an async step lasts until the task parks again, ends, or
// awaits a promise from outside simul. V8's count of microtask hops decides nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import {
  callSoon,
  current,
  dumpTasks,
  Event,
  Lock,
  now,
  Queue,
  run,
  Semaphore,
  sleep,
  spawn,
  yieldNow,
  type RunOptions,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;
const clocks = ['real', 'virtual'] as const;
const thisFile = fileURLToPath(import.meta.url);

test('the issue example: an async task yielding 100 times alternates with a generator loop', async () => {
  for (const clock of clocks) {
    let done = false;
    let steps = 0;
    await run(
      async () => {
        spawn(async () => {
          for (let i = 0; i < 100; i++) await yieldNow();
          done = true;
        });
        spawn(function* () {
          while (!done) {
            steps++;
            yield* yieldNow();
          }
        });
      },
      { clock },
    );
    assert.equal(steps, 100, `${clock} clock: one generator step per async step`);
  }
});

test('with FIFO, tasks of either style looping on yieldNow() take turns one to one, on both clocks', async () => {
  for (const clock of clocks) {
    const log: string[] = [];
    await run(
      async () => {
        spawn(async () => {
          for (let i = 0; i < 4; i++) {
            log.push('a');
            await yieldNow();
          }
        });
        spawn(function* () {
          for (let i = 0; i < 4; i++) {
            log.push('g');
            yield* yieldNow();
          }
        });
        spawn(async () => {
          for (let i = 0; i < 4; i++) {
            log.push('b');
            // A native promise settled in microtasks is part of the step, however many hops.
            await Promise.resolve();
            await Promise.resolve();
            await yieldNow();
          }
        });
      },
      { clock },
    );
    assert.equal(log.join(''), 'agb'.repeat(4), `${clock} clock`);
  }
});

/** Three tasks wait on one Event; once it is set, each logs, takes a free semaphore, logs. */
async function releasedAtOnce(
  style: 'async' | 'generator',
  options: RunOptions,
): Promise<string[]> {
  const log: string[] = [];
  const event = new Event();
  const sem = new Semaphore(1);
  await run(async () => {
    for (const name of ['t0', 't1', 't2']) {
      if (style === 'async') {
        spawn(async () => {
          await event.wait();
          log.push(`${name} woken`);
          await sem.acquire(); // free: completes at once, the step goes on
          log.push(`${name} acquired`);
          sem.release();
          await yieldNow();
        });
      } else {
        spawn(function* () {
          yield* event.wait();
          log.push(`${name} woken`);
          yield* sem.acquire();
          log.push(`${name} acquired`);
          sem.release();
          yield* yieldNow();
        });
      }
    }
    await yieldNow();
    event.set();
  }, options);
  return log;
}

test('tasks released at once run in readiness order under FIFO, each until it parks again', async () => {
  for (const style of ['async', 'generator'] as const) {
    assert.deepEqual(
      await releasedAtOnce(style, virtual),
      ['t0 woken', 't0 acquired', 't1 woken', 't1 acquired', 't2 woken', 't2 acquired'],
      style,
    );
  }
});

test('under the random policy, three tasks released at once reach all 6 orders within 100 seeds', async () => {
  for (const style of ['async', 'generator'] as const) {
    const orders = new Set<string>();
    for (let seed = 0; seed < 100 && orders.size < 6; seed++) {
      const log = await releasedAtOnce(style, {
        ...virtual,
        schedule: { policy: 'random', seed },
      });
      const woken = log.filter((line) => line.endsWith('woken'));
      // Whatever the order, no task's step is cut in two by another's.
      for (let i = 0; i < log.length; i += 2) {
        assert.equal(log[i + 1], log[i].replace('woken', 'acquired'), `${style}: ${log}`);
      }
      orders.add(woken.map((line) => line.slice(0, 2)).join(' '));
    }
    assert.equal(orders.size, 6, `${style}: ${[...orders].join(' | ')}`);
  }
});

test('a wait that completes at once lets no other task run meanwhile, in both styles', async () => {
  // X's uncontended acquire / non-empty get / free lock must not let Y's step (already
  // ready) run inside X's step.
  const kinds = ['semaphore', 'lock', 'queue'] as const;
  for (const kind of kinds) {
    for (const style of ['async', 'generator'] as const) {
      const log: string[] = [];
      await run(async () => {
        const event = new Event();
        const sem = new Semaphore(1);
        const lock = new Lock();
        const queue = new Queue<number>();
        queue.putNowait(1);
        const immediate = () =>
          kind === 'semaphore' ? sem.acquire() : kind === 'lock' ? lock.acquire() : queue.get();
        if (style === 'async') {
          spawn(async () => {
            await event.wait();
            log.push('x before');
            await immediate();
            log.push('x after');
          });
        } else {
          spawn(function* () {
            yield* event.wait();
            log.push('x before');
            yield* immediate();
            log.push('x after');
          });
        }
        spawn(async () => {
          await event.wait();
          log.push('y');
        });
        await yieldNow();
        event.set();
      }, virtual);
      assert.deepEqual(log, ['x before', 'x after', 'y'], `${kind}, ${style}`);
    }
  }
});

test('microtask hops decide nothing: the task woken first runs first, however long its step', async () => {
  const log: string[] = [];
  await run(async () => {
    const event = new Event();
    spawn(async () => {
      await event.wait();
      for (let i = 0; i < 5; i++) await Promise.resolve(); // five native hops
      log.push('slow step');
    });
    spawn(async () => {
      await event.wait();
      log.push('short step');
    });
    await yieldNow();
    event.set();
  }, virtual);
  assert.deepEqual(log, ['slow step', 'short step']);
});

test('a task in a raw await of a foreign promise is not ready and does not hold the others', async () => {
  const log: string[] = [];
  let dump = '';
  let stateWhileWaiting = '';
  // The foreign promise settles only when b says so (from a Node callback, outside simul), so
  // the test does not depend on how busy the machine is.
  let settle: () => void = () => {};
  const foreign = new Promise<void>((resolve) => (settle = resolve));
  await run(async () => {
    const a = spawn(
      async () => {
        log.push('a start');
        await foreign;
        log.push('a end');
      },
      { name: 'a' },
    );
    spawn(async () => {
      for (let i = 0; i < 3; i++) {
        log.push(`b${i}`);
        await yieldNow();
      }
      await sleep(5); // by now the loop has seen a's raw await
      dump = dumpTasks();
      stateWhileWaiting = a.state;
      setImmediate(settle);
    });
  });
  assert.deepEqual(log, ['a start', 'b0', 'b1', 'b2', 'a end']);
  assert.equal(stateWhileWaiting, 'waiting');
  assert.match(dump, /#\d+ a \[waiting\]\n\s+waiting on a foreign promise \(a raw await/);
});

test('under the virtual clock a raw await of real I/O is a foreign wait: no deadlock, no jump past it', async () => {
  const length = await run(async () => (await readFile(thisFile)).length, virtual);
  assert.ok(length > 0);

  const log: string[] = [];
  await run(async () => {
    spawn(async () => {
      await sleep(1000);
      log.push(`slept until ${now()}`);
    });
    await readFile(thisFile);
    log.push(`read at ${now()}`);
  }, virtual);
  assert.deepEqual(log, ['read at 0', 'slept until 1000']);
});

test('a raw await that nothing settles is one DeadlockError, on both clocks', async () => {
  const fixture = fileURLToPath(new URL('../fixtures/raw-deadlock.js', import.meta.url));
  for (const clock of clocks) {
    const { stdout } = await promisify(execFile)(process.execPath, [fixture, clock]);
    const [kind, ...message] = stdout.trim().split('\n');
    assert.equal(kind, 'DeadlockError', `${clock}: ${stdout}`);
    assert.match(message.join('\n'), /waiting on a foreign promise \(a raw await/, clock);
  }
});

test('callbacks run outside any task, even when the loop goes on from an async task', async () => {
  const seen: string[] = [];
  await run(async () => {
    callSoon(() => {
      try {
        seen.push(`in ${current().name}`);
      } catch {
        seen.push('outside any task');
      }
    });
    await yieldNow();
  });
  assert.deepEqual(seen, ['outside any task']);
});

test('property: no starvation; between two steps of a ready task, no other task gets more than two', async () => {
  // Tasks of both styles that stay ready (they only yield, take a free lock, and, when async,
  // await native promises inside their steps). Under every policy a task that yields is in the
  // next batch, so between two of its steps each other task runs at most once in each batch.
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          style: fc.constantFrom<'async' | 'generator'>('async', 'generator'),
          steps: fc.integer({ min: 1, max: 6 }),
          hops: fc.integer({ min: 0, max: 3 }),
          lock: fc.boolean(),
        }),
        { minLength: 2, maxLength: 6 },
      ),
      fc.constantFrom<'fifo' | 'random' | 'pct'>('fifo', 'random', 'pct'),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      async (specs, policy, seed) => {
        const once = async (): Promise<number[]> => {
          const trace: number[] = [];
          const lock = new Lock();
          await run(
            async () => {
              specs.forEach((spec, id) => {
                const step = (): void => void trace.push(id);
                if (spec.style === 'async') {
                  spawn(async () => {
                    for (let i = 0; i < spec.steps; i++) {
                      step();
                      for (let h = 0; h < spec.hops; h++) await Promise.resolve();
                      if (spec.lock) {
                        await lock.acquire();
                        lock.release();
                      }
                      await yieldNow();
                    }
                  });
                } else {
                  spawn(function* () {
                    for (let i = 0; i < spec.steps; i++) {
                      step();
                      if (spec.lock) {
                        yield* lock.acquire();
                        lock.release();
                      }
                      yield* yieldNow();
                    }
                  });
                }
              });
            },
            { clock: 'virtual', schedule: { policy, seed } },
          );
          return trace;
        };
        const trace = await once();
        assert.deepEqual(await once(), trace, 'the same seed gives the same order of steps');
        assert.equal(
          trace.length,
          specs.reduce((sum, spec) => sum + spec.steps, 0),
        );
        for (let id = 0; id < specs.length; id++) {
          const at = trace.flatMap((t, i) => (t === id ? [i] : []));
          for (let j = 1; j < at.length; j++) {
            const between = trace.slice(at[j - 1] + 1, at[j]);
            for (let other = 0; other < specs.length; other++) {
              const times = between.filter((t) => t === other).length;
              assert.ok(
                times <= 2,
                `task ${other} ran ${times} times between two steps of ${id}: ${trace}`,
              );
            }
          }
        }
      },
    ),
    { numRuns: 200 },
  );
});
