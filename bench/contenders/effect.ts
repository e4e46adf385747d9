/**
 * Effect 4: fibers forked as children (`Effect.forkChild`, v3's `fork`) and joined with
 * `Fiber.join`; `Effect.sleep` (one host timer per sleeping fiber); `Effect.yieldNow`.
 * A parent fiber interrupts its children when it ends, so every child is joined.
 */
import { Effect, Fiber } from 'effect';
import { HOUR_MS, type Contender } from './contender.js';

const trivial = Effect.succeed(1);

export const effect: Contender = {
  async spawnJoin(n) {
    await Effect.runPromise(
      Effect.gen(function* () {
        for (let i = 0; i < n; i++) {
          const fiber = yield* Effect.forkChild(trivial);
          yield* Fiber.join(fiber);
        }
      }),
    );
  },

  async runs(n) {
    for (let i = 0; i < n; i++) await Effect.runPromise(trivial);
  },

  async pingPong(n, mark) {
    const player = (id: number) =>
      Effect.gen(function* () {
        for (let i = 0; i < n / 2; i++) {
          mark(id);
          yield* Effect.yieldNow;
        }
      });
    await Effect.runPromise(
      Effect.gen(function* () {
        const a = yield* Effect.forkChild(player(1));
        const b = yield* Effect.forkChild(player(2));
        yield* Fiber.join(a);
        yield* Fiber.join(b);
      }),
    );
  },

  async sleepers(n, ms) {
    const sleeper = Effect.sleep(ms);
    await Effect.runPromise(
      Effect.gen(function* () {
        const fibers: Fiber.Fiber<void>[] = [];
        for (let i = 0; i < n; i++) fibers.push(yield* Effect.forkChild(sleeper));
        yield* Fiber.joinAll(fibers);
      }),
    );
  },

  async parkSleepers(n, parked) {
    let started = 0;
    const sleeper = Effect.gen(function* () {
      started++;
      yield* Effect.sleep(HOUR_MS);
    });
    await Effect.runPromise(
      Effect.gen(function* () {
        const fibers: Fiber.Fiber<void>[] = [];
        for (let i = 0; i < n; i++) fibers.push(yield* Effect.forkChild(sleeper));
        while (started < n) yield* Effect.yieldNow;
        yield* Effect.yieldNow;
        yield* Effect.sync(parked);
        yield* Fiber.joinAll(fibers);
      }),
    );
  },
};
