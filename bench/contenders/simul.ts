/**
 * simul, twice: with generator tasks (`yield*`) and with async tasks (`await`). The two
 * share the loop; they differ in how a task suspends (a generator step vs an async
 * function resumed from a microtask, with its task carried in an AsyncLocalStorage).
 */
import { run, sleep, spawn, yieldNow } from '../../src/index.js';
import { HOUR_MS, type Contender } from './contender.js';

function* trivialGen(): Generator<never, number> {
  return 1;
}

async function trivialAsync(): Promise<number> {
  return 1;
}

export const generators: Contender = {
  async spawnJoin(n) {
    await run(function* () {
      for (let i = 0; i < n; i++) yield* spawn(trivialGen);
    });
  },

  async runs(n) {
    for (let i = 0; i < n; i++) await run(trivialGen);
  },

  async pingPong(n, mark) {
    await run(function* () {
      const player = (id: number) =>
        function* () {
          for (let i = 0; i < n / 2; i++) {
            mark(id);
            yield* yieldNow();
          }
        };
      spawn(player(1));
      spawn(player(2));
    });
  },

  async sleepers(n, ms) {
    const sleeper = function* () {
      yield* sleep(ms);
    };
    await run(function* () {
      for (let i = 0; i < n; i++) spawn(sleeper);
    });
  },

  async parkSleepers(n, parked) {
    let started = 0;
    const sleeper = function* () {
      started++;
      yield* sleep(HOUR_MS);
    };
    await run(function* () {
      for (let i = 0; i < n; i++) spawn(sleeper);
      while (started < n) yield* yieldNow();
      yield* yieldNow();
      parked();
    });
  },
};

export const asyncFunctions: Contender = {
  async spawnJoin(n) {
    await run(async () => {
      for (let i = 0; i < n; i++) await spawn(trivialAsync);
    });
  },

  async runs(n) {
    for (let i = 0; i < n; i++) await run(trivialAsync);
  },

  async pingPong(n, mark) {
    await run(async () => {
      const player = (id: number) => async () => {
        for (let i = 0; i < n / 2; i++) {
          mark(id);
          await yieldNow();
        }
      };
      spawn(player(1));
      spawn(player(2));
    });
  },

  async sleepers(n, ms) {
    const sleeper = async () => {
      await sleep(ms);
    };
    await run(async () => {
      for (let i = 0; i < n; i++) spawn(sleeper);
    });
  },

  async parkSleepers(n, parked) {
    let started = 0;
    const sleeper = async () => {
      started++;
      await sleep(HOUR_MS);
    };
    await run(async () => {
      for (let i = 0; i < n; i++) spawn(sleeper);
      while (started < n) await yieldNow();
      // `await op` reaches op.then in a microtask after the body's first step: two more
      // turns make sure every sleeper is parked in the timer heap.
      await yieldNow();
      await yieldNow();
      parked();
    });
  },
};
