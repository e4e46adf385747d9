/**
 * Bug 4, check-then-act on a cache: `get` checks the cache, and on a miss fetches and fills
 * it. Two requests for the same key that both check before either fills both fetch: the
 * backend is hit twice (and, with a real backend, may answer differently). Here the second
 * request arrives exactly when the first fetch completes — two timers due at the same
 * instant — so whether it finds the cache filled depends on which wakes first: a choice
 * among the timers, or among the steps that set them. A plain run (FIFO: the timer set
 * first fires first) passes; `explore` finds the other order.
 *
 * Run it: `node dist/examples/bugs/cache-double-fetch.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { all, explore, sleep, spawn } from 'simul';

// example:start
const FETCH_MS = 10;

class Cache {
  private readonly values = new Map<string, string>();
  fetches = 0;
  /** The buggy get: nothing marks the key as "being fetched" between the check and the set. */
  async get(key: string): Promise<string> {
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    this.fetches++;
    await sleep(FETCH_MS); // the backend round trip
    const value = `value of ${key}`;
    this.values.set(key, value);
    return value;
  }
  *genGet(key: string): Generator<unknown, string, unknown> {
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    this.fetches++;
    yield* sleep(FETCH_MS);
    const value = `value of ${key}`;
    this.values.set(key, value);
    return value;
  }
}

export async function cacheDoubleFetchAsync(): Promise<void> {
  const cache = new Cache();
  const first = spawn(() => cache.get('user:1'), { name: 'first' });
  const second = spawn(
    async () => {
      await sleep(FETCH_MS); // arrives just as the first fetch completes
      return cache.get('user:1');
    },
    { name: 'second' },
  );
  await all([first, second]);
  if (cache.fetches !== 1)
    throw new Error(`double fetch: the backend was hit ${cache.fetches} times`);
}

export function* cacheDoubleFetchGenerator(): Generator<unknown, void, unknown> {
  const cache = new Cache();
  const first = spawn(() => cache.genGet('user:1'), { name: 'first' });
  const second = spawn(
    function* () {
      yield* sleep(FETCH_MS);
      return yield* cache.genGet('user:1');
    },
    { name: 'second' },
  );
  yield* all([first, second]);
  if (cache.fetches !== 1)
    throw new Error(`double fetch: the backend was hit ${cache.fetches} times`);
}
// example:end

// The program: explore both styles and print what was found (the tests import this file).
if (isProgram()) {
  for (const [style, body] of [
    ['async functions', cacheDoubleFetchAsync],
    ['generators', cacheDoubleFetchGenerator],
  ] as const) {
    const report = await explore(body, { policy: 'pct', runs: 200, stopOnFailure: true });
    const failure = report.failures[0];
    console.log(`${style}: ${failure ? `found in ${report.runs} runs` : 'not found'}`);
    if (failure) console.log(failure.description);
  }
}

/** Whether node was started with this file rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
