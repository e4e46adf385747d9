/**
 * Plain async/await on native promises, the baseline every runtime is compared with: a
 * "task" is a call of an async function, "join" is awaiting its promise, a sleep is a
 * promise around `setTimeout` (one host timer per sleeping task), and a switch is
 * `await null` (one microtask hop; two such loops alternate).
 */
import { HOUR_MS, type Contender } from './contender.js';

async function trivial(): Promise<number> {
  return 1;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const plain: Contender = {
  async spawnJoin(n) {
    for (let i = 0; i < n; i++) await trivial();
  },

  async runs(n) {
    for (let i = 0; i < n; i++) await trivial();
  },

  async pingPong(n, mark) {
    const player = async (id: number) => {
      for (let i = 0; i < n / 2; i++) {
        mark(id);
        await null;
      }
    };
    await Promise.all([player(1), player(2)]);
  },

  async sleepers(n, ms) {
    const sleeper = async () => {
      await delay(ms);
    };
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < n; i++) tasks.push(sleeper());
    await Promise.all(tasks);
  },

  async parkSleepers(n, parked) {
    const sleeper = async () => {
      await delay(HOUR_MS);
    };
    // The promises are kept, as a join (Promise.all) would keep them.
    const tasks: Promise<void>[] = [];
    for (let i = 0; i < n; i++) tasks.push(sleeper());
    await null;
    parked();
    await Promise.all(tasks);
  },
};
