/**
 * The report of `simul compare`: what `--json` writes, the table and the HTML are drawn from.
 * Documented field by field in docs/lab.md; `schema` changes when a field does.
 */
import type { Model } from './model.js';

export const REPORT_SCHEMA = 'simul-compare/1';

export interface EchoLevel {
  /** Concurrent client connections. */
  connections: number;
  /** Processes or threads started to serve them (the connections, for tasks). */
  units: number;
  /** Echoed messages per second, all connections together; null when skipped. */
  throughput: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  messages: number | null;
  errors: number | null;
  /** Why this level was not measured, or null. */
  skipped: string | null;
}

/** One model's results. Every model has every key; a value not measured is null. */
export interface ModelReport {
  model: Model;
  label: string;
  means: string;
  start: { medianMs: number; samplesMs: number[] } | null;
  memory: {
    units: number;
    privateBytes: number | null;
    sharedBytes: number | null;
    pssBytes: number | null;
    rssBytes: number;
    baselineBytes: number;
    source: 'smaps_rollup' | 'rss';
  } | null;
  fit: {
    count: number;
    method: 'filled' | 'extrapolated';
    stoppedBy: 'budget' | 'cap' | 'time' | null;
  } | null;
  cpu: { workers: number; sequentialMs: number; parallelMs: number; speedup: number } | null;
  hello: { n: number; delayMs: number; elapsedMs: number } | null;
  echo: EchoLevel[];
}

export interface Verdict {
  /** The talk's claim, as the table's row names it. */
  claim: string;
  /** What the talk says. */
  talk: string;
  /** What was measured here, in a few words. */
  measured: string;
  /** Whether the claim holds on this machine; null when it could not be measured. */
  holds: boolean | null;
  verdict: string;
}

export interface CompareReport {
  schema: typeof REPORT_SCHEMA;
  simulVersion: string;
  mode: 'quick' | 'full';
  startedAt: string;
  durationMs: number;
  machine: {
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    totalMemoryBytes: number;
    node: string;
    memorySource: 'smaps_rollup' | 'rss';
  };
  budgetBytes: number;
  timeLimitMs: number;
  /** process, thread, task: one object each, with the same keys. */
  models: ModelReport[];
  verdicts: Verdict[];
  /** Measurements skipped or failed, with the reason. */
  skipped: string[];
}
