// Verdicts say what the machine showed, not what the talk expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelReport } from '../../src/lab/compare/report.js';
import { verdicts } from '../../src/lab/compare/verdicts.js';

const MB = 2 ** 20;

function model(
  name: ModelReport['model'],
  values: { startMs: number; privateMb: number; pssMb: number; fit: number; speedup: number },
): ModelReport {
  return {
    model: name,
    label: { process: 'processes', thread: 'threads', task: 'simul tasks' }[name],
    means: '',
    start: { medianMs: values.startMs, samplesMs: [values.startMs] },
    memory: {
      units: 4,
      privateBytes: values.privateMb * MB,
      sharedBytes: 40 * MB,
      pssBytes: values.pssMb * MB,
      rssBytes: values.pssMb * MB,
      baselineBytes: 0,
      source: 'smaps_rollup',
    },
    fit: { count: values.fit, method: 'extrapolated', stoppedBy: null },
    cpu: {
      workers: 2,
      sequentialMs: 1000,
      parallelMs: 1000 / values.speedup,
      speedup: values.speedup,
    },
    hello: { n: 10, delayMs: 1000, elapsedMs: 1100 },
    echo: [
      {
        connections: 1,
        units: 1,
        throughput: 1000,
        p50Ms: 1,
        p99Ms: 2,
        messages: 1000,
        errors: 0,
        skipped: null,
      },
    ],
  };
}

const report = (thread: Partial<Parameters<typeof model>[1]> = {}) => ({
  budgetBytes: 1024 * MB,
  models: [
    model('process', { startMs: 400, privateMb: 14, pssMb: 18, fit: 56, speedup: 1.9 }),
    model('thread', { startMs: 200, privateMb: 13, pssMb: 13, fit: 78, speedup: 1.9, ...thread }),
    model('task', { startMs: 0.001, privateMb: 0.0005, pssMb: 0.0005, fit: 2_000_000, speedup: 1 }),
  ],
});

const find = (claim: string, r = report()) => {
  const v = verdicts(r).find((x) => x.claim === claim);
  assert.ok(v, claim);
  return v;
};

test('threads that use every core contradict "only processes use all cores", naming the GIL', () => {
  const v = find('use all CPU cores');
  assert.equal(v.holds, false);
  assert.match(v.verdict, /threads use all cores on Node, unlike CPython's GIL/);
});

test('busy cores make the cores verdict unknown rather than wrong', () => {
  const r = report();
  for (const m of r.models) if (m.cpu !== null) m.cpu.speedup = 1.05;
  assert.equal(find('use all CPU cores', r).holds, null);
});

test('a worker thread as costly as a process is said to carry its own V8 isolate', () => {
  const v = find('scalability: threads');
  assert.equal(v.holds, false);
  assert.match(v.verdict, /tens, not hundreds: on Node a worker thread carries its own V8 isolate/);
});

test('threads that fit by the hundreds agree with the talk, with no isolate note', () => {
  const v = find('scalability: threads', report({ privateMb: 2, pssMb: 2, fit: 500 }));
  assert.equal(v.holds, true);
  assert.doesNotMatch(v.verdict, /isolate/);
});

test('tasks orders of magnitude cheaper make async "extremely lightweight"', () => {
  const v = find('async is extremely lightweight');
  assert.equal(v.holds, true);
  assert.match(v.verdict, /k× less start-up time, .*k× less memory/);
});

test('a measurement that failed gives an unknown verdict, not a guess', () => {
  const r = report();
  for (const m of r.models) m.hello = null;
  assert.equal(find('optimize waiting periods', r).holds, null);
});
