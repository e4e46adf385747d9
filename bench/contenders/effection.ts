/**
 * Effection 4: `run`, `spawn` (a child of the current scope, joined with `yield* task`),
 * `sleep` (one host timer per sleeping task). Effection has no yieldNow (its `sleep(0)` is
 * a `setTimeout`, about 1 ms), so a switch is a microtask hop, written two ways: the
 * idiomatic `yield* until(Promise.resolve())`, and a leaner `action` resolved from a
 * microtask (the fastest hop we found).
 */
import { action, run, sleep, spawn, until, type Operation, type Task } from 'effection';
import { HOUR_MS, type Contender } from './contender.js';

function* trivial(): Operation<number> {
  return 1;
}

const microtaskHop: Operation<void> = action<void>((resolve) => {
  Promise.resolve().then(() => resolve());
  return () => {};
});

function untilHop(): Operation<void> {
  return until(Promise.resolve());
}

function make(hop: () => Operation<void>): Contender {
  return {
    async spawnJoin(n) {
      await run(function* () {
        for (let i = 0; i < n; i++) {
          const task = yield* spawn(trivial);
          yield* task;
        }
      });
    },

    async runs(n) {
      for (let i = 0; i < n; i++) await run(trivial);
    },

    async pingPong(n, mark) {
      await run(function* () {
        const player = (id: number) =>
          function* (): Operation<void> {
            for (let i = 0; i < n / 2; i++) {
              mark(id);
              yield* hop();
            }
          };
        const a = yield* spawn(player(1));
        const b = yield* spawn(player(2));
        yield* a;
        yield* b;
      });
    },

    async sleepers(n, ms) {
      const sleeper = function* (): Operation<void> {
        yield* sleep(ms);
      };
      await run(function* () {
        const tasks: Task<void>[] = [];
        for (let i = 0; i < n; i++) tasks.push(yield* spawn(sleeper));
        for (const task of tasks) yield* task;
      });
    },

    async parkSleepers(n, parked) {
      let started = 0;
      const sleeper = function* (): Operation<void> {
        started++;
        yield* sleep(HOUR_MS);
      };
      await run(function* () {
        const tasks: Task<void>[] = [];
        for (let i = 0; i < n; i++) tasks.push(yield* spawn(sleeper));
        while (started < n) yield* hop();
        yield* hop();
        parked();
        for (const task of tasks) yield* task;
      });
    },
  };
}

/** Switches with `until(Promise.resolve())`. */
export const effectionUntil: Contender = make(untilHop);
/** Switches with an action resolved from a microtask. */
export const effection: Contender = make(() => microtaskHop);
