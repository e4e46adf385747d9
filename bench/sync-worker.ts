/**
 * One synchronisation measurement in a fresh process: `node dist/bench/sync-worker.js
 * <scenario> <contender> <n> [k]`, started by bench/sync.bench.ts through `inChild`, which
 * gets `{ ns, minNs, maxNs }` per operation back from `reply`. Every contender is written in
 * its own idiom; each loads lazily, so a process holds one library only.
 *
 * Scenarios:
 * - `bounded`: n items through a queue of capacity 100 (or 0 for a rendezvous), one producer
 *   task and one consumer task; the consumer checks the sum.
 * - `buffered`: n puts into an unbounded queue before the first get, then n gets.
 * - `lock`: k tasks each repeat acquire → yield → release until n acquisitions are done in
 *   all; the yield inside holds the lock across a switch, so every release hands it off.
 */
import { measure, perOp, reply } from './harness.js';

type Scenario = (n: number, k: number) => Promise<void>;

function checkSum(n: number, sum: number): void {
  const expected = (n * (n - 1)) / 2;
  if (sum !== expected) throw new Error(`the consumer got a sum of ${sum}, expected ${expected}`);
}

async function simulBounded(style: 'gen' | 'async', kind: 'queue' | 'channel', capacity: number) {
  const { run, spawn, Queue, Channel } = await import('../src/index.js');
  if (style === 'gen') {
    return async (n: number) => {
      await run(function* () {
        if (kind === 'queue') {
          const q = new Queue<number>({ maxsize: capacity });
          const consumer = spawn(function* () {
            let sum = 0;
            for (let i = 0; i < n; i++) sum += yield* q.get();
            return sum;
          });
          for (let i = 0; i < n; i++) yield* q.put(i);
          checkSum(n, yield* consumer);
        } else {
          const ch = new Channel<number>(capacity);
          const consumer = spawn(function* () {
            let sum = 0;
            for (let i = 0; i < n; i++) sum += yield* ch.receive();
            return sum;
          });
          for (let i = 0; i < n; i++) yield* ch.send(i);
          checkSum(n, yield* consumer);
        }
      });
    };
  }
  return async (n: number) => {
    await run(async () => {
      if (kind === 'queue') {
        const q = new Queue<number>({ maxsize: capacity });
        const consumer = spawn(async () => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += await q.get();
          return sum;
        });
        for (let i = 0; i < n; i++) await q.put(i);
        checkSum(n, await consumer);
      } else {
        const ch = new Channel<number>(capacity);
        const consumer = spawn(async () => {
          let sum = 0;
          for (let i = 0; i < n; i++) sum += await ch.receive();
          return sum;
        });
        for (let i = 0; i < n; i++) await ch.send(i);
        checkSum(n, await consumer);
      }
    });
  };
}

async function effectBounded(): Promise<Scenario> {
  const { Effect, Fiber, Queue } = await import('effect');
  return async (n) => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const q = yield* Queue.bounded<number>(100);
        const consumer = yield* Effect.forkChild(
          Effect.gen(function* () {
            let sum = 0;
            for (let i = 0; i < n; i++) sum += yield* Queue.take(q);
            return sum;
          }),
        );
        for (let i = 0; i < n; i++) yield* Queue.offer(q, i);
        checkSum(n, yield* Fiber.join(consumer));
      }),
    );
  };
}

/** Effection's queue is unbounded: the producer waits for an acknowledgement every 100 items. */
async function effectionBounded(): Promise<Scenario> {
  const { run, spawn, createQueue } = await import('effection');
  return async (n) => {
    await run(function* () {
      const items = createQueue<number, void>();
      const acks = createQueue<void, void>();
      const consumer = yield* spawn(function* () {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const next = yield* items.next();
          sum += next.value as number;
          if ((i + 1) % 100 === 0) acks.add();
        }
        return sum;
      });
      for (let i = 0; i < n; i++) {
        items.add(i);
        if ((i + 1) % 100 === 0) yield* acks.next();
      }
      checkSum(n, yield* consumer);
    });
  };
}

/** p-queue is a job queue: each item is a job, and the producer waits while 100 are queued. */
async function pQueueBounded(): Promise<Scenario> {
  const { default: PQueue } = await import('p-queue');
  return async (n) => {
    const queue = new PQueue({ concurrency: 1 });
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (queue.size >= 100) await queue.onSizeLessThan(100);
      void queue.add(() => {
        sum += i;
      });
    }
    await queue.onIdle();
    checkSum(n, sum);
  };
}

async function simulBuffered(style: 'gen' | 'async'): Promise<Scenario> {
  const { run, Queue } = await import('../src/index.js');
  return async (n) => {
    const sum =
      style === 'gen'
        ? await run(function* () {
            const q = new Queue<number>();
            for (let i = 0; i < n; i++) yield* q.put(i);
            let total = 0;
            for (let i = 0; i < n; i++) total += yield* q.get();
            return total;
          })
        : await run(async () => {
            const q = new Queue<number>();
            for (let i = 0; i < n; i++) await q.put(i);
            let total = 0;
            for (let i = 0; i < n; i++) total += await q.get();
            return total;
          });
    checkSum(n, sum);
  };
}

async function effectBuffered(): Promise<Scenario> {
  const { Effect, Queue } = await import('effect');
  return async (n) => {
    await Effect.runPromise(
      Effect.gen(function* () {
        const q = yield* Queue.unbounded<number>();
        for (let i = 0; i < n; i++) yield* Queue.offer(q, i);
        let sum = 0;
        for (let i = 0; i < n; i++) sum += yield* Queue.take(q);
        checkSum(n, sum);
      }),
    );
  };
}

async function effectionBuffered(): Promise<Scenario> {
  const { run, createQueue } = await import('effection');
  return async (n) => {
    await run(function* () {
      const q = createQueue<number, void>();
      for (let i = 0; i < n; i++) q.add(i);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += (yield* q.next()).value as number;
      checkSum(n, sum);
    });
  };
}

async function pQueueBuffered(): Promise<Scenario> {
  const { default: PQueue } = await import('p-queue');
  return async (n) => {
    const queue = new PQueue({ concurrency: 1, autoStart: false });
    let sum = 0;
    for (let i = 0; i < n; i++) {
      void queue.add(() => {
        sum += i;
      });
    }
    queue.start();
    await queue.onIdle();
    checkSum(n, sum);
  };
}

async function simulLock(style: 'gen' | 'async'): Promise<Scenario> {
  const { run, spawn, yieldNow, Lock } = await import('../src/index.js');
  return async (n, k) => {
    let done = 0;
    if (style === 'gen') {
      await run(function* () {
        const lock = new Lock();
        for (let t = 0; t < k; t++) {
          spawn(function* () {
            while (done < n) {
              yield* lock.acquire();
              done++;
              yield* yieldNow();
              lock.release();
            }
          });
        }
      });
    } else {
      await run(async () => {
        const lock = new Lock();
        for (let t = 0; t < k; t++) {
          spawn(async () => {
            while (done < n) {
              await lock.acquire();
              done++;
              await yieldNow();
              lock.release();
            }
          });
        }
      });
    }
  };
}

async function effectLock(): Promise<Scenario> {
  const { Effect, Fiber, Semaphore } = await import('effect');
  return async (n, k) => {
    let done = 0;
    await Effect.runPromise(
      Effect.gen(function* () {
        const sem = yield* Semaphore.make(1);
        const critical = Semaphore.withPermit(sem)(
          Effect.suspend(() => {
            done++;
            return Effect.yieldNow;
          }),
        );
        const worker = Effect.gen(function* () {
          while (done < n) yield* critical;
        });
        const fibers = [];
        for (let t = 0; t < k; t++) fibers.push(yield* Effect.forkChild(worker));
        yield* Fiber.joinAll(fibers);
      }),
    );
  };
}

async function pLimitLock(): Promise<Scenario> {
  const { default: pLimit } = await import('p-limit');
  return async (n, k) => {
    const limit = pLimit(1);
    let done = 0;
    const critical = async (): Promise<void> => {
      done++;
      await null;
    };
    const worker = async (): Promise<void> => {
      while (done < n) await limit(critical);
    };
    await Promise.all(Array.from({ length: k }, worker));
  };
}

const CONTENDERS: Record<string, Record<string, () => Promise<Scenario>>> = {
  bounded: {
    'simul-gen': () => simulBounded('gen', 'queue', 100),
    'simul-async': () => simulBounded('async', 'queue', 100),
    'simul-gen-channel': () => simulBounded('gen', 'channel', 100),
    'simul-async-channel': () => simulBounded('async', 'channel', 100),
    'simul-gen-rendezvous': () => simulBounded('gen', 'channel', 0),
    'simul-async-rendezvous': () => simulBounded('async', 'channel', 0),
    effect: effectBounded,
    effection: effectionBounded,
    'p-queue': pQueueBounded,
  },
  buffered: {
    'simul-gen': () => simulBuffered('gen'),
    'simul-async': () => simulBuffered('async'),
    effect: effectBuffered,
    effection: effectionBuffered,
    'p-queue': pQueueBuffered,
  },
  lock: {
    'simul-gen': () => simulLock('gen'),
    'simul-async': () => simulLock('async'),
    effect: effectLock,
    'p-limit': pLimitLock,
  },
};

/** What a worker replies: ns per operation (median of the timed runs) and the spread. */
export interface SyncResult {
  ns: number;
  minNs: number;
  maxNs: number;
}

async function main(): Promise<void> {
  const [scenario, name, nArg, kArg, repeatArg] = process.argv.slice(2);
  const make = CONTENDERS[scenario]?.[name];
  if (make === undefined) throw new Error(`unknown scenario/contender ${scenario}/${name}`);
  const n = Number(nArg);
  const k = Number(kArg ?? 1);
  const fn = await make();
  const repeat = repeatArg === undefined || repeatArg === 'default' ? undefined : Number(repeatArg);
  const sample = await measure(() => fn(n, k), repeat === undefined ? {} : { warmup: 1, repeat });
  reply({
    ns: perOp(sample, n),
    minNs: sample.min / n,
    maxNs: sample.max / n,
  } satisfies SyncResult);
}

await main();
