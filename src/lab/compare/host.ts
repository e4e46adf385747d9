/**
 * A host: a fresh Node process that makes one measurement for `simul compare` and prints
 * it as one line of JSON. Every measurement runs in a host of its own, so what one model
 * leaves behind (a heap grown by a million tasks, a JIT warmed up) never counts against
 * another, and the memory read from /proc belongs to the model alone.
 *
 * The compare command starts hosts with simul's `exec`, each the leader of its own process
 * group: cancelling the command (Ctrl-C) sends SIGTERM to the group, which ends the host,
 * its worker threads and the unit processes it forked. Should the command die without
 * cancelling (SIGKILL), the host notices that its parent changed and kills its group.
 *
 * Started as: node host-main.js '<request as JSON>' (see HostRequest).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { Event, run, sleep, taskGroup, yieldNow } from '../../index.js';
import { runHello } from '../hello.js';
import { spin } from '../burn-job.js';
import { ownMemory, processMemory, type MemorySample } from './proc-memory.js';
import { startUnit, stopAll, type OsModel, type Unit } from './units.js';
import type { Model } from './model.js';

export type HostRequest =
  | { kind: 'start'; model: Model; samples: number }
  | { kind: 'memory'; model: Model; units: number }
  | { kind: 'fill'; model: Model; budgetBytes: number; deadlineMs: number; cap: number }
  | { kind: 'cpu'; model: Model; workers: number; targetMs: number; repeats: number }
  | { kind: 'hello'; model: Model; n: number; delayMs: number };

export interface StartResult {
  /** ms to start one unit, each sample. */
  samplesMs: number[];
}

export interface MemoryResult {
  units: number;
  /** Per unit, bytes (null where the platform cannot tell). */
  privateBytes: number | null;
  sharedBytes: number | null;
  pssBytes: number | null;
  rssBytes: number;
  /** What the units share, counted once: the host before any unit (threads, tasks). */
  baselineBytes: number;
  source: MemorySample['source'];
  /** fill only: why it stopped. */
  stoppedBy?: 'budget' | 'cap' | 'time';
  /** fill only: the memory the units took, bytes. */
  usedBytes?: number;
}

export interface CpuResult {
  workers: number;
  rounds: number;
  sequentialMs: number;
  parallelMs: number;
}

export interface HelloResult {
  elapsedMs: number;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// --- start ---------------------------------------------------------------------------------

async function startCost(model: Model, samples: number): Promise<StartResult> {
  const samplesMs: number[] = [];
  if (model === 'task') {
    // A task costs too little to time alone: start a batch, divide.
    const batch = 10_000;
    for (let i = 0; i < samples; i++) {
      const ms = await run(async () => {
        const started = new Event();
        let count = 0;
        const t0 = performance.now();
        await taskGroup(async (g) => {
          for (let j = 0; j < batch; j++) {
            g.spawn(async () => {
              if (++count === batch) started.set();
            });
          }
          await started.wait();
        });
        return performance.now() - t0;
      });
      samplesMs.push(ms / batch);
    }
    return { samplesMs };
  }
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const unit = startUnit(model, 'idle');
    await unit.ready;
    samplesMs.push(performance.now() - t0);
    await unit.stop();
  }
  return { samplesMs };
}

// --- memory ----------------------------------------------------------------------------------

function perUnit(total: number | null, base: number | null, units: number): number | null {
  return total === null || base === null ? null : Math.max(0, (total - base) / units);
}

async function settle(): Promise<void> {
  gc();
  await delay(200);
  gc();
}

/** Memory of `units` process units: each one's own reading, averaged. */
function processUnitsMemory(units: Unit[], rss: number[]): MemoryResult {
  const samples = units.map((u, i) => processMemory(u.pid, rss[i]));
  const mean = (get: (s: MemorySample) => number | null): number | null => {
    const values = samples.map(get);
    if (values.some((v) => v === null)) return null;
    return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
  };
  return {
    units: units.length,
    privateBytes: mean((s) => s.private),
    sharedBytes: mean((s) => s.shared),
    pssBytes: mean((s) => s.pss),
    rssBytes: mean((s) => s.rss) ?? NaN,
    baselineBytes: 0,
    source: samples[0]?.source ?? 'rss',
  };
}

/** Memory per unit inside this host: the growth since `before`, divided. */
function inHostMemory(before: MemorySample, units: number): MemoryResult {
  const after = ownMemory();
  return {
    units,
    privateBytes: perUnit(after.private, before.private, units),
    sharedBytes: before.rss,
    pssBytes: perUnit(after.pss, before.pss, units),
    rssBytes: Math.max(0, (after.rss - before.rss) / units),
    baselineBytes: before.pss ?? before.rss,
    source: after.source,
  };
}

/** The cost of a unit for the budget: its PSS where known, else its RSS. */
function cost(m: MemoryResult): number {
  return m.pssBytes ?? m.rssBytes;
}

async function osUnitsMemory(
  model: OsModel,
  target: { units: number } | { budgetBytes: number; deadlineMs: number; cap: number },
): Promise<MemoryResult> {
  await settle();
  const before = ownMemory();
  const units: Unit[] = [];
  const rss: number[] = [];
  const measure = (): MemoryResult =>
    model === 'process' ? processUnitsMemory(units, rss) : inHostMemory(before, units.length);
  try {
    if ('units' in target) {
      for (let i = 0; i < target.units; i++) units.push(startUnit(model, 'idle'));
      rss.push(...(await Promise.all(units.map((u) => u.ready))).map((r) => r.rss));
      await settle();
      return measure();
    }
    const deadline = performance.now() + target.deadlineMs;
    const batch = model === 'process' ? 2 : 4;
    for (;;) {
      const more = Array.from({ length: batch }, () => startUnit(model, 'idle'));
      units.push(...more);
      rss.push(...(await Promise.all(more.map((u) => u.ready))).map((r) => r.rss));
      const m = measure();
      const used = cost(m) * units.length;
      const stoppedBy =
        used >= target.budgetBytes
          ? 'budget'
          : units.length >= target.cap
            ? 'cap'
            : performance.now() > deadline
              ? 'time'
              : null;
      if (stoppedBy !== null) {
        // The units that fit: the budget over the measured cost of one.
        const fit = Math.min(units.length, Math.floor(target.budgetBytes / cost(m)));
        return { ...m, units: fit, stoppedBy, usedBytes: used };
      }
    }
  } finally {
    await stopAll(units);
  }
}

async function taskMemory(
  target: { units: number } | { budgetBytes: number; deadlineMs: number; cap: number },
): Promise<MemoryResult> {
  return run(async () => {
    await settle();
    const before = ownMemory();
    let spawned = 0;
    let result: MemoryResult | null = null;
    await taskGroup(async (g) => {
      const spawnMore = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i++) g.spawn(() => sleep(3_600_000));
        spawned += n;
        await yieldNow(); // let them start and go to sleep
      };
      if ('units' in target) {
        await spawnMore(target.units);
        await settle();
        result = inHostMemory(before, spawned);
      } else {
        const deadline = performance.now() + target.deadlineMs;
        const step = 50_000;
        for (;;) {
          await spawnMore(step);
          const m = inHostMemory(before, spawned);
          const used = cost(m) * spawned;
          const stoppedBy =
            used >= target.budgetBytes
              ? 'budget'
              : spawned >= target.cap
                ? 'cap'
                : performance.now() > deadline
                  ? 'time'
                  : null;
          if (stoppedBy !== null) {
            await settle();
            const settled = inHostMemory(before, spawned);
            const fit = Math.min(spawned, Math.floor(target.budgetBytes / cost(settled)));
            result = { ...settled, units: fit, stoppedBy, usedBytes: cost(settled) * spawned };
            break;
          }
        }
      }
      g.cancel();
    });
    if (result === null) throw new Error('no memory result');
    return result;
  });
}

// --- cpu -------------------------------------------------------------------------------------

function calibrate(targetMs: number): number {
  let rounds = 1_000_000;
  for (;;) {
    const t0 = performance.now();
    spin(rounds);
    const ms = performance.now() - t0;
    if (ms > 50) return Math.round((rounds * targetMs) / ms);
    rounds *= 4;
  }
}

async function cpuOnce(model: Model, workers: number, share: number): Promise<number> {
  if (model === 'task') {
    // The work split among simul tasks, each yielding between slices: they take turns on
    // the one thread.
    return run(async () => {
      const start = performance.now();
      const slices = 50;
      await taskGroup(async (g) => {
        for (let w = 0; w < workers; w++) {
          g.spawn(function* () {
            for (let s = 0; s < slices; s++) {
              spin(Math.round(share / slices));
              yield* yieldNow();
            }
          });
        }
      });
      return performance.now() - start;
    });
  }
  const units = Array.from({ length: workers }, () => startUnit(model, 'spin'));
  try {
    await Promise.all(units.map((u) => u.ready));
    const done = units.map(
      (u) => new Promise<void>((resolve) => u.onMessage((m) => m.type === 'done' && resolve())),
    );
    const t0 = performance.now();
    for (const u of units) u.send({ rounds: share });
    await Promise.all(done);
    return performance.now() - t0;
  } finally {
    await stopAll(units);
  }
}

/**
 * The same work done once on this thread, then split among `workers` units. Each is
 * timed `repeats` times and the fastest kept: on a shared machine, the fastest run is the
 * one least disturbed by others.
 */
async function cpu(
  model: Model,
  workers: number,
  targetMs: number,
  repeats: number,
): Promise<CpuResult> {
  const share = Math.round(calibrate(targetMs) / workers);
  let sequentialMs = Infinity;
  let parallelMs = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    spin(share * workers);
    sequentialMs = Math.min(sequentialMs, performance.now() - t0);
    parallelMs = Math.min(parallelMs, await cpuOnce(model, workers, share));
  }
  return { workers, rounds: share * workers, sequentialMs, parallelMs };
}

// --- hello -----------------------------------------------------------------------------------

async function hello(model: Model, n: number, delayMs: number): Promise<HelloResult> {
  const style = model === 'task' ? 'async' : model;
  const elapsedMs = await runHello(style, { n, delayMs, clock: 'real', print: () => {} });
  return { elapsedMs };
}

// --- main --------------------------------------------------------------------------------------

export async function measure(request: HostRequest): Promise<unknown> {
  switch (request.kind) {
    case 'start':
      return startCost(request.model, request.samples);
    case 'memory':
      return request.model === 'task' ? taskMemory(request) : osUnitsMemory(request.model, request);
    case 'fill':
      return request.model === 'task' ? taskMemory(request) : osUnitsMemory(request.model, request);
    case 'cpu':
      return cpu(request.model, request.workers, request.targetMs, request.repeats);
    case 'hello':
      return hello(request.model, request.n, request.delayMs);
  }
}
