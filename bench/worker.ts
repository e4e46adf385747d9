/**
 * One measurement in a fresh process: `node dist/bench/worker.js <scenario> <contender> <n>
 * [ms]`, started by a bench file through `inChild`, which gets the result back from `reply`.
 * A process per measurement keeps peak RSS and heap numbers clean, and keeps one
 * library's JIT state and garbage out of another's timings.
 *
 * Contenders are imported lazily, so a scenario that needs none (the AsyncLocalStorage
 * loops) loads nothing but Node, and the Node 20 runs never load the peers.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { gc, heapUsed, measure, peakRss, perOp, reply } from './harness.js';
import type { Contender } from './contenders/contender.js';
import type { ContenderName } from './contenders/labels.js';

const CONTENDERS: Record<ContenderName, () => Promise<Contender>> = {
  'simul-gen': async () => (await import('./contenders/simul.js')).generators,
  'simul-async': async () => (await import('./contenders/simul.js')).asyncFunctions,
  plain: async () => (await import('./contenders/plain.js')).plain,
  effect: async () => (await import('./contenders/effect.js')).effect,
  effection: async () => (await import('./contenders/effection.js')).effection,
  'effection-until': async () => (await import('./contenders/effection.js')).effectionUntil,
};

/** What a timing scenario replies: ns per operation (median) and the spread. */
export interface TimeResult {
  ns: number;
  minNs: number;
  maxNs: number;
}

export interface SleepersResult {
  wallMs: number;
  peakRss: number;
}

export interface ParkedResult {
  n: number;
  bytesPerTask: number;
  peakRss: number;
}

export interface TenMillionResult {
  n: number;
  spawnMs: number;
  wallMs: number;
  bytesPerTask: number;
  peakRss: number;
  finished: number;
}

const noop = (): void => {};

async function load(name: string): Promise<Contender> {
  const loader = (CONTENDERS as Record<string, () => Promise<Contender>>)[name];
  if (loader === undefined) throw new Error(`unknown contender ${name}`);
  return loader();
}

function timeResult(sample: Awaited<ReturnType<typeof measure>>, ops: number): TimeResult {
  return { ns: perOp(sample, ops), minNs: sample.min / ops, maxNs: sample.max / ops };
}

const scenarios: Record<string, (name: string, n: number, ms: number) => Promise<unknown>> = {
  async spawnJoin(name, n) {
    const c = await load(name);
    return timeResult(await measure(() => c.spawnJoin(n)), n);
  },

  async runs(name, n) {
    const c = await load(name);
    return timeResult(await measure(() => c.runs(n)), n);
  },

  async pingPong(name, n) {
    const c = await load(name);
    // First check that the two tasks really alternate: n switches must be n hand-overs.
    let last = 0;
    let changes = 0;
    await c.pingPong(1000, (id) => {
      if (id !== last) changes++;
      last = id;
    });
    if (changes !== 1000) throw new Error(`${name}: 1000 switches made ${changes} hand-overs`);
    return timeResult(await measure(() => c.pingPong(n, noop)), n);
  },

  async sleepers(name, n, ms) {
    const c = await load(name);
    const t0 = performance.now();
    await c.sleepers(n, ms);
    const wallMs = performance.now() - t0;
    return { wallMs, peakRss: peakRss() } satisfies SleepersResult;
  },

  async parked(name, n) {
    const c = await load(name);
    // Warm the contender's code paths on a few tasks, so that the baseline includes the
    // compiled code and the library's one-off allocations rather than the delta.
    await c.sleepers(100, 1);
    const before = heapUsed();
    await c.parkSleepers(n, () => {
      const after = heapUsed();
      reply({ n, bytesPerTask: (after - before) / n, peakRss: peakRss() } satisfies ParkedResult);
      process.exit(0);
    });
    throw new Error(`${name}: parkSleepers returned`);
  },

  async tenMillion(_name, n) {
    // simul generator tasks only. The virtual clock lets the run end as soon as every task
    // is asleep (time jumps to the deadline) instead of waiting out the spawn time again;
    // the tasks, sleeps and timer heap are the same objects as under the real clock.
    const { run, spawn, sleep, yieldNow } = await import('../src/index.js');
    gc();
    const before = process.memoryUsage().heapUsed;
    let started = 0;
    let finished = 0;
    let spawnMs = 0;
    let bytesPerTask = 0;
    const sleeper = function* () {
      started++;
      yield* sleep(1000);
      finished++;
    };
    const t0 = performance.now();
    await run(
      function* () {
        for (let i = 0; i < n; i++) spawn(sleeper);
        while (started < n) yield* yieldNow();
        spawnMs = performance.now() - t0;
        bytesPerTask = (heapUsed() - before) / n;
      },
      { clock: 'virtual' },
    );
    const wallMs = performance.now() - t0;
    if (finished !== n) throw new Error(`tenMillion: ${finished} of ${n} tasks finished`);
    return {
      n,
      spawnMs,
      wallMs,
      bytesPerTask,
      peakRss: peakRss(),
      finished,
    } satisfies TenMillionResult;
  },

  /** ns per `await null`, outside (`off`) or inside (`on`) an AsyncLocalStorage context. */
  async awaitLoop(mode, n) {
    const loop = async () => {
      for (let i = 0; i < n; i++) await null;
    };
    let body = loop;
    if (mode === 'on') {
      const als = new AsyncLocalStorage<{ task: number }>();
      body = () => als.run({ task: 1 }, loop);
    } else if (mode !== 'off') {
      throw new Error(`awaitLoop: mode must be on or off, got ${mode}`);
    }
    return timeResult(await measure(body), n);
  },
};

async function main(): Promise<void> {
  const [scenario, name, n, ms] = process.argv.slice(2);
  const fn = scenarios[scenario];
  if (fn === undefined) throw new Error(`unknown scenario ${scenario}`);
  reply(await fn(name, Number(n), Number(ms ?? 0)));
}

await main();
