// Programs that exercise each primitive with several tasks, random timeouts and random
// cancellations, and the invariants each must keep on every schedule. Run by
// explore.test.ts (1,000 seeds per policy) and scripts/explore-sync.js (10,000).
//
// Every program is half generator tasks, half async tasks. Its random choices (sleeps,
// which wait gets a timeout, whom the chaos task cancels) come from a PRNG seeded with the
// run's seed, and the loop's schedule policy gets the same seed, so a failure is replayed
// by running the same program with the same seed and policy.
import {
  run,
  spawn,
  sleep,
  yieldNow,
  now,
  current,
  withTimeout,
  moveOnAfter,
  Lock,
  Semaphore,
  Event,
  Condition,
  Barrier,
  Queue,
  Channel,
  CancelledError,
  TimeoutError,
  DeadlockError,
  QueueClosedError,
  type Operation,
  type Task,
  type ScheduleOptions,
} from '../../src/index.js';
import { Random } from '../../src/core/random.js';

/** The program's own random choices, from the core's seeded PRNG. */
export class Rng extends Random {
  int(n: number): number {
    return this.below(n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** One run of a program: the root task, and the check of what it left behind. */
export interface ProgramRun {
  main: () => unknown;
  /** Throws if an invariant broke. `error` is what `run` rejected with, if anything. */
  check(error: unknown): void;
}

export type Program = (seed: number) => ProgramRun;

export interface Failure {
  program: string;
  policy: string;
  seed: number;
  message: string;
}

/** Runs `program` for seeds [from, from + count) under `policy`; returns the failures. */
export async function explorePrograms(
  name: string,
  program: Program,
  policy: 'random' | 'pct',
  from: number,
  count: number,
): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (let seed = from; seed < from + count; seed++) {
    const schedule: ScheduleOptions =
      policy === 'pct' ? { policy, seed, depth: 3, steps: 200 } : { policy, seed };
    const { main, check } = program(seed);
    let error: unknown;
    try {
      await run(main, { clock: 'virtual', schedule });
    } catch (e) {
      error = e;
    }
    try {
      check(error);
    } catch (e) {
      failures.push({ program: name, policy, seed, message: String((e as Error).stack ?? e) });
      if (failures.length >= 5) break;
    }
  }
  return failures;
}

class Violation extends Error {
  override name = 'Violation';
}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new Violation(message);
}

/** A run must end normally: any error (a deadlock, a stray exception) is a failure. */
function expectNoError(error: unknown): void {
  if (error !== undefined) throw error;
}

// --- waiting with random timeouts, in both styles ---------------------------------------

type Got<T> = { ok: true; value: T } | { ok: false };

/** Waits on `op()` plainly, or under moveOnAfter / withTimeout with a random deadline. */
function* guarded<T>(r: Rng, op: () => Operation<T>): Generator<unknown, Got<T>, unknown> {
  switch (r.int(4)) {
    case 0: {
      const boxed = yield* moveOnAfter(r.int(4), function* () {
        return { value: yield* op() };
      });
      return boxed === undefined ? { ok: false } : { ok: true, value: boxed.value };
    }
    case 1:
      try {
        return { ok: true, value: yield* withTimeout(r.int(4), op) };
      } catch (e) {
        if (e instanceof TimeoutError) return { ok: false };
        throw e;
      }
    default:
      return { ok: true, value: yield* op() };
  }
}

async function guardedAsync<T>(r: Rng, op: () => Operation<T>): Promise<Got<T>> {
  switch (r.int(4)) {
    case 0: {
      const boxed = await moveOnAfter(r.int(4), async () => ({ value: await op() }));
      return boxed === undefined ? { ok: false } : { ok: true, value: boxed.value as T };
    }
    case 1:
      try {
        return { ok: true, value: (await withTimeout(r.int(4), op)) as T };
      } catch (e) {
        if (e instanceof TimeoutError) return { ok: false };
        throw e;
      }
    default:
      return { ok: true, value: await op() };
  }
}

/** Cancels `count` random tasks of `victims` at random times. */
function chaos(r: Rng, victims: () => Task[], count: number, maxDelay = 6): () => Generator {
  return function* chaosMonkey() {
    for (let i = 0; i < count; i++) {
      yield* sleep(r.int(maxDelay));
      const list = victims();
      if (list.length > 0) list[r.int(list.length)].cancel('chaos');
    }
  };
}

/** Joins every task, treating a cancelled one as finished. */
function* joinAll(tasks: Task[]): Generator<unknown, void, unknown> {
  for (const task of tasks) {
    try {
      yield* task;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
    }
  }
}

/** Spawns six workers, alternating generator and async style, and a task that cancels some. */
function spawnCrew(
  r: Rng,
  tasks: Task[],
  name: string,
  generatorWorker: () => unknown,
  asyncWorker: () => unknown,
): void {
  for (let i = 0; i < 6; i++) {
    tasks.push(spawn(i % 2 === 0 ? generatorWorker : asyncWorker, { name: `${name}-${i}` }));
  }
  spawn(
    chaos(r, () => tasks, 3),
    { name: 'chaos' },
  );
}

// --- Lock: mutual exclusion, FIFO, nothing held at the end ------------------------------

export const lockProgram: Program = (seed) => {
  const r = new Rng(seed);
  const lock = new Lock();
  let inside = 0;
  let ticket = 0;
  const served: number[] = []; // tickets of generator tasks that waited, in the order served
  const violations: string[] = [];
  const enter = (): void => {
    if (++inside !== 1) violations.push(`${inside} tasks inside the lock at t=${now()}`);
    if (lock.statistics().owner !== current()) violations.push('inside without owning the lock');
  };

  function* genLocker(): Generator<unknown, void, unknown> {
    for (let round = 0; round < 4; round++) {
      yield* sleep(r.int(3));
      const willWait = lock.locked();
      const mine = ticket++;
      const got = yield* guarded(r, () => lock.acquire());
      if (!got.ok) continue;
      if (willWait) served.push(mine);
      try {
        enter();
        yield* r.chance(0.5) ? sleep(r.int(3)) : yieldNow();
      } finally {
        inside--;
        lock.release();
      }
    }
  }
  async function asyncLocker(): Promise<void> {
    for (let round = 0; round < 4; round++) {
      await sleep(r.int(3));
      const got = await guardedAsync(r, () => lock.acquire());
      if (!got.ok) continue;
      try {
        enter();
        await (r.chance(0.5) ? sleep(r.int(3)) : yieldNow());
      } finally {
        inside--;
        lock.release();
      }
    }
  }
  const tasks: Task[] = [];
  return {
    *main() {
      spawnCrew(r, tasks, 'locker', genLocker, asyncLocker);
    },
    check(error) {
      expectNoError(error);
      expect(violations.length === 0, violations.join('; '));
      for (let i = 1; i < served.length; i++) {
        expect(served[i - 1] < served[i], `waiters served out of order: ${served.join(', ')}`);
      }
      expect(!lock.locked(), 'the lock is still held at the end');
      expect(lock.statistics().waiting === 0, 'tasks still queued for the lock');
    },
  };
};

// --- Semaphore: never more than n inside, permits conserved ------------------------------

export const semaphoreProgram: Program = (seed) => {
  const r = new Rng(seed);
  const n = 1 + r.int(3);
  const sem = new Semaphore(n, { max: n });
  let inside = 0;
  let most = 0;
  const violations: string[] = [];
  const enter = (): void => {
    most = Math.max(most, ++inside);
    if (inside > n) violations.push(`${inside} tasks hold permits of Semaphore(${n})`);
    // Permits handed to a waiter that has not run yet are neither free nor counted inside.
    if (sem.statistics().value + inside > n) {
      violations.push(`permits created: ${sem.statistics().value} free, ${inside} held`);
    }
  };

  function* genWorker(): Generator<unknown, void, unknown> {
    for (let round = 0; round < 4; round++) {
      yield* sleep(r.int(3));
      const got = yield* guarded(r, () => sem.acquire());
      if (!got.ok) continue;
      try {
        enter();
        yield* sleep(r.int(3));
      } finally {
        inside--;
        sem.release();
      }
    }
  }
  async function asyncWorker(): Promise<void> {
    for (let round = 0; round < 4; round++) {
      await sleep(r.int(3));
      const got = await guardedAsync(r, () => sem.acquire());
      if (!got.ok) continue;
      try {
        enter();
        await sleep(r.int(3));
      } finally {
        inside--;
        sem.release();
      }
    }
  }
  const tasks: Task[] = [];
  return {
    *main() {
      spawnCrew(r, tasks, 'worker', genWorker, asyncWorker);
    },
    check(error) {
      expectNoError(error);
      expect(violations.length === 0, violations.join('; '));
      const stats = sem.statistics();
      expect(stats.value === n && stats.waiting === 0, `ended with ${JSON.stringify(stats)}`);
    },
  };
};

// --- Queue and Channel: every item sent is received exactly once, per-sender order ------

interface Pipe {
  put(item: string): Operation<void>;
  get(): Operation<string>;
  close(): void;
  /** Gets what is left once closed: receives never wait then. */
  drain(): Generator<unknown, string[], unknown>;
  idle(): boolean;
  iterate?: { next(): Operation<IteratorResult<string, undefined>> } & AsyncIterable<string>;
}

function queuePipe(q: Queue<string>): Pipe {
  return {
    put: (item) => q.put(item),
    get: () => q.get(),
    close: () => q.close(),
    *drain() {
      const rest: string[] = [];
      while (q.size > 0) rest.push(q.getNowait());
      return rest;
    },
    idle: () => {
      const s = q.statistics();
      return s.getters === 0 && s.putters === 0;
    },
  };
}

function channelPipe(ch: Channel<string>): Pipe {
  return {
    put: (item) => ch.send(item),
    get: () => ch.receive(),
    close: () => ch.close(),
    *drain() {
      const rest: string[] = [];
      while (ch.statistics().buffered > 0) rest.push(yield* ch.receive());
      return rest;
    },
    idle: () => {
      const s = ch.statistics();
      return s.senders === 0 && s.receivers === 0;
    },
    iterate: ch,
  };
}

function pipeProgram(makePipe: (r: Rng) => Pipe): Program {
  return (seed) => {
    const r = new Rng(seed);
    const pipe = makePipe(r);
    const sent = new Set<string>();
    // Generator producers start their put in the step that takes the ticket, so items must
    // leave the pipe in ticket order (FIFO); async producers' puts start a microtask later.
    const tickets = new Map<string, number>();
    let nextTicket = 0;
    const received: string[][] = [[], [], []];
    let leftovers: string[] = [];

    const producer = (p: number): (() => unknown) =>
      p % 2 === 0
        ? function* () {
            for (let i = 0; i < 6; i++) {
              const item = `${p}:${i}`;
              tickets.set(item, nextTicket++);
              const got = yield* guarded(r, () => pipe.put(item));
              if (got.ok) sent.add(item);
              yield* sleep(r.int(2));
            }
          }
        : async () => {
            for (let i = 0; i < 6; i++) {
              const item = `${p}:${i}`;
              const got = await guardedAsync(r, () => pipe.put(item));
              if (got.ok) sent.add(item);
              await sleep(r.int(2));
            }
          };

    const consumer = (c: number): (() => unknown) => {
      const mine = received[c];
      const iterate = pipe.iterate;
      if (iterate !== undefined && c === 2) {
        // The channel's own iteration, in both styles.
        return seed % 2 === 0
          ? async () => {
              for await (const item of iterate) mine.push(item);
            }
          : function* () {
              for (;;) {
                const next = yield* iterate.next();
                if (next.done === true) return;
                mine.push(next.value);
              }
            };
      }
      return c % 2 === 0
        ? function* () {
            for (;;) {
              let got: Got<string>;
              try {
                got = yield* guarded(r, () => pipe.get());
              } catch (e) {
                if (e instanceof QueueClosedError) return;
                throw e;
              }
              if (got.ok) mine.push(got.value);
              yield* sleep(r.int(2));
            }
          }
        : async () => {
            for (;;) {
              let got: Got<string>;
              try {
                got = await guardedAsync(r, () => pipe.get());
              } catch (e) {
                if (e instanceof QueueClosedError) return;
                throw e;
              }
              if (got.ok) mine.push(got.value);
              await sleep(r.int(2));
            }
          };
    };

    return {
      *main() {
        const producers = [0, 1, 2].map((p) => spawn(producer(p), { name: `producer-${p}` }));
        const consumers = [0, 1, 2].map((c) => spawn(consumer(c), { name: `consumer-${c}` }));
        // One consumer is never cancelled, or the producers could wait forever (a real
        // deadlock of the program, not of the pipe).
        const spared = r.int(3);
        const victims = [...producers, ...consumers.filter((_, c) => c !== spared)];
        spawn(
          chaos(r, () => victims, 3),
          { name: 'chaos' },
        );
        yield* joinAll(producers);
        pipe.close();
        yield* joinAll(consumers);
        leftovers = yield* pipe.drain(); // what cancelled consumers left behind
      },
      check(error) {
        expectNoError(error);
        const got = [...received.flat(), ...leftovers];
        const unique = new Set(got);
        expect(unique.size === got.length, `an item was received twice: ${got.sort().join(' ')}`);
        for (const item of got) expect(sent.has(item), `received ${item}, which was never sent`);
        for (const item of sent) expect(unique.has(item), `sent ${item}, which was never received`);
        for (const list of received) {
          const order = list.filter((x) => tickets.has(x)).map((x) => tickets.get(x) as number);
          for (let i = 1; i < order.length; i++) {
            expect(order[i - 1] < order[i], `items left the pipe out of order: ${list.join(' ')}`);
          }
          for (let p = 0; p < 3; p++) {
            const seq = list.filter((x) => x.startsWith(`${p}:`)).map((x) => Number(x.slice(2)));
            for (let i = 1; i < seq.length; i++) {
              expect(seq[i - 1] < seq[i], `one consumer got producer ${p}'s items out of order`);
            }
          }
        }
        expect(pipe.idle(), 'tasks still parked on the pipe');
      },
    };
  };
}

export const queueProgram: Program = pipeProgram((r) =>
  queuePipe(new Queue<string>({ maxsize: 1 + r.int(3) })),
);

export const channelProgram: Program = pipeProgram((r) =>
  channelPipe(new Channel<string>(r.int(3))),
);

// --- Event: nobody passes before set(); everyone not cancelled passes -------------------

export const eventProgram: Program = (seed) => {
  const r = new Rng(seed);
  const event = new Event();
  let setAt = -1;
  const violations: string[] = [];
  const passed = (): void => {
    if (!event.isSet() || setAt < 0 || now() < setAt) {
      violations.push(`a waiter passed at t=${now()} before set() at t=${setAt}`);
    }
  };
  const waiters: Task[] = [];
  return {
    *main() {
      for (let i = 0; i < 6; i++) {
        const body: () => unknown =
          i % 2 === 0
            ? function* () {
                yield* sleep(r.int(5));
                const got = yield* guarded(r, () => event.wait());
                if (got.ok) passed();
              }
            : async () => {
                await sleep(r.int(5));
                const got = await guardedAsync(r, () => event.wait());
                if (got.ok) passed();
              };
        waiters.push(spawn(body, { name: `waiter-${i}` }));
      }
      spawn(
        function* () {
          yield* sleep(r.int(6));
          setAt = now();
          event.set();
        },
        { name: 'setter' },
      );
      spawn(
        chaos(r, () => waiters, 2),
        { name: 'chaos' },
      );
    },
    check(error) {
      expectNoError(error);
      expect(violations.length === 0, violations.join('; '));
      expect(event.statistics().waiting === 0, 'waiters left behind after set()');
    },
  };
};

// --- Condition: the lock is held whenever wait returns or throws; no item lost ----------

export const conditionProgram: Program = (seed) => {
  const r = new Rng(seed);
  const lock = new Lock();
  const notEmpty = new Condition(lock);
  const notFull = new Condition(lock);
  const capacity = 1 + r.int(2);
  const buffer: string[] = [];
  const produced = new Set<string>();
  const consumed: string[] = [];
  let done = false;
  let holder: Task | null = null; // who the program believes holds the lock
  const violations: string[] = [];
  const enter = (where: string): void => {
    if (holder !== null) violations.push(`${where}: two tasks hold the condition's lock`);
    if (lock.statistics().owner !== current()) violations.push(`${where} without the lock`);
    holder = current();
  };
  const leave = (): void => {
    holder = null;
  };

  // One critical section: take the lock, wait for `ready` (maybe with a timeout), act.
  // The program's own `holder` checks mutual exclusion and that wait gave the lock back.
  function* section(ready: () => boolean, act: () => void, cond: Condition, patient = false) {
    yield* lock.acquire();
    enter('after acquire');
    try {
      leave();
      let got: Got<boolean>;
      try {
        got = patient
          ? { ok: true, value: yield* cond.waitFor(ready) }
          : yield* guarded(r, () => cond.waitFor(ready));
      } finally {
        enter('after waitFor returned or threw');
      }
      if (got.ok) act();
      // Holding the lock across a wait keeps notified tasks queued for it, where chaos can
      // cancel them: their notification must be passed on.
      if (r.chance(0.5)) yield* sleep(r.int(2));
      return got.ok;
    } finally {
      leave();
      lock.release();
    }
  }
  async function sectionAsync(ready: () => boolean, act: () => void, cond: Condition) {
    await lock.acquire();
    enter('after acquire');
    try {
      leave();
      let got: Got<boolean>;
      try {
        got = await guardedAsync(r, () => cond.waitFor(ready));
      } finally {
        enter('after waitFor returned or threw');
      }
      if (got.ok) act();
      if (r.chance(0.5)) await sleep(r.int(2));
      return got.ok;
    } finally {
      leave();
      lock.release();
    }
  }

  const producer = (p: number): (() => unknown) =>
    function* () {
      for (let i = 0; i < 3; i++) {
        const item = `${p}:${i}`;
        yield* section(
          () => buffer.length < capacity,
          () => {
            buffer.push(item);
            produced.add(item);
            notEmpty.notify();
          },
          notFull,
          // Producers wait without a timeout: a lost notFull notification leaves one
          // waiting forever once the buffer is drained, which the deadlock check reports.
          true,
        );
      }
    };

  let finished = false;
  const take = (): void => {
    if (buffer.length === 0) {
      finished = true; // done, and nothing left
      return;
    }
    consumed.push(buffer.shift() as string);
    notFull.notify();
  };
  const consumer = (c: number): (() => unknown) =>
    c % 2 === 0
      ? function* () {
          while (!finished) yield* section(() => buffer.length > 0 || done, take, notEmpty);
        }
      : async () => {
          while (!finished) await sectionAsync(() => buffer.length > 0 || done, take, notEmpty);
        };

  return {
    *main() {
      const producers = [0, 1].map((p) => spawn(producer(p), { name: `producer-${p}` }));
      const consumers = [0, 1].map((c) => spawn(consumer(c), { name: `consumer-${c}` }));
      // At most one consumer is cancelled, so the other always drains the buffer.
      const victim = consumers[r.int(2)];
      spawn(
        chaos(r, () => [...producers, victim], 3, 4),
        { name: 'chaos' },
      );
      yield* joinAll(producers);
      yield* lock.acquire();
      done = true;
      notEmpty.notifyAll();
      lock.release();
      yield* joinAll(consumers);
    },
    check(error) {
      expectNoError(error);
      expect(violations.length === 0, violations.join('; '));
      const got = [...consumed, ...buffer];
      expect(new Set(got).size === got.length, 'an item was consumed twice');
      expect(got.length === produced.size, `produced ${produced.size}, consumed ${got.length}`);
      expect(!lock.locked(), 'the lock is still held at the end');
      expect(
        notEmpty.statistics().waiting === 0 && notFull.statistics().waiting === 0,
        'waiters left',
      );
    },
  };
};

// --- Barrier: rounds of exactly n; a cancelled wait is no arrival --------------------------

export const barrierProgram: Program = (seed) => {
  const r = new Rng(seed);
  const parties = 2 + r.int(2);
  const barrier = new Barrier(parties);
  const indexes: number[] = [];
  const violations: string[] = [];
  const record = (index: number): void => {
    if (!(index >= 0 && index < parties)) violations.push(`arrival index ${index}`);
    indexes.push(index);
  };
  const tasks: Task[] = [];
  return {
    *main() {
      for (let i = 0; i < 6; i++) {
        const body: () => unknown =
          i % 2 === 0
            ? function* () {
                for (let round = 0; round < 3; round++) {
                  yield* sleep(r.int(4));
                  const got = yield* guarded(r, () => barrier.wait());
                  if (got.ok) record(got.value);
                }
              }
            : async () => {
                for (let round = 0; round < 3; round++) {
                  await sleep(r.int(4));
                  const got = await guardedAsync(r, () => barrier.wait());
                  if (got.ok) record(got.value);
                }
              };
        tasks.push(spawn(body, { name: `party-${i}` }));
      }
      spawn(
        chaos(r, () => tasks, 2),
        { name: 'chaos' },
      );
    },
    check(error) {
      // Too few parties left is a real deadlock: it must be reported, naming the barrier.
      if (error !== undefined) {
        expect(error instanceof DeadlockError, `unexpected ${String(error)}`);
        expect(
          /waiting on Barrier#1 wait/.test((error as Error).message),
          'deadlock without the barrier',
        );
      }
      expect(violations.length === 0, violations.join('; '));
      const rounds = barrier.statistics().generation;
      for (let i = 0; i < parties; i++) {
        const count = indexes.filter((x) => x === i).length;
        expect(count === rounds, `index ${i} returned ${count} times in ${rounds} rounds`);
      }
      expect(barrier.statistics().waiting === 0, 'parties left waiting at the end');
    },
  };
};

export const programs: Record<string, Program> = {
  Lock: lockProgram,
  Semaphore: semaphoreProgram,
  Event: eventProgram,
  Condition: conditionProgram,
  Barrier: barrierProgram,
  Queue: queueProgram,
  Channel: channelProgram,
};
