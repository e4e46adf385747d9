/**
 * `simul compare`: processes, worker threads and simul tasks measured live on this machine
 * — the cost to start one, memory per unit (private, shared, PSS), how many fit in a
 * memory budget, the speed-up of CPU work on every core, the hello world's time, an echo
 * server's throughput and p99 latency as connections grow — printed as the talk's
 * comparison table with a verdict per claim, and written as JSON (`--json`) and as an HTML
 * report with charts (`--html`).
 *
 * The measuring is a simul program run with `handleSignals`: Ctrl-C cancels it, and the
 * cancellation kills every host process (and so their threads and children) before the
 * command exits with status 130.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { CancelledError, run } from '../index.js';
import { bytes, duration } from './format.js';
import { htmlReport } from './compare/html.js';
import { measureAll, stepCount, CORES, type ProgressSink } from './compare/measure.js';
import { FULL, QUICK, type Plan } from './compare/plan.js';
import { hasSmapsRollup } from './compare/proc-memory.js';
import { progressSink } from './compare/progress.js';
import { REPORT_SCHEMA, type CompareReport } from './compare/report.js';
import { comparisonTable } from './compare/table.js';
import { verdicts } from './compare/verdicts.js';
import { parsePositive } from './options.js';

export const COMPARE_DEFAULTS = { budgetMb: '1024' } as const;

export interface CompareArgs {
  quick?: boolean;
  budgetMb?: string;
  timeLimit?: string;
  html?: string;
  json?: string;
}

export interface CompareOptions {
  plan: Plan;
  budgetBytes: number;
  html: string | null;
  json: string | null;
}

export function parseCompareArgs(args: CompareArgs): CompareOptions {
  const base = args.quick === true ? QUICK : FULL;
  const budgetMb = parsePositive('--budget-mb', args.budgetMb ?? COMPARE_DEFAULTS.budgetMb);
  const plan =
    args.timeLimit === undefined
      ? base
      : { ...base, timeLimitMs: parsePositive('--time-limit', args.timeLimit) * 1000 };
  return {
    plan,
    budgetBytes: Math.round(budgetMb * 2 ** 20),
    html: args.html ?? null,
    json: args.json ?? null,
  };
}

function version(): string {
  const url = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** Measures everything and returns the report (no printing but the progress). */
export async function measureReport(
  options: CompareOptions,
  progress: ProgressSink,
): Promise<CompareReport> {
  const { plan, budgetBytes } = options;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const skipped: string[] = [];
  progress.begin(stepCount(plan));
  let models;
  try {
    models = await run(() => measureAll(plan, budgetBytes, progress, skipped), {
      handleSignals: true,
      name: 'simul compare',
    });
  } finally {
    progress.end();
  }
  const cpus = os.cpus();
  const partial = {
    schema: REPORT_SCHEMA,
    simulVersion: version(),
    mode: plan.mode,
    startedAt,
    durationMs: performance.now() - t0,
    machine: {
      platform: process.platform,
      arch: process.arch,
      cpus: CORES,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      totalMemoryBytes: os.totalmem(),
      node: process.version,
      memorySource: hasSmapsRollup() ? 'smaps_rollup' : 'rss',
    },
    budgetBytes,
    timeLimitMs: plan.timeLimitMs,
    models,
    skipped,
  } as const;
  return { ...partial, verdicts: verdicts(partial) };
}

/**
 * `simul compare`: measures, prints the table and verdicts, writes the reports asked for.
 * Resolves with the exit status: 0, or 130 when interrupted.
 *
 * @example
 * await compare({ quick: true, html: 'report.html' });
 */
export async function compare(args: CompareArgs, print = console.log): Promise<number> {
  const options = parseCompareArgs(args);
  const { plan, budgetBytes } = options;
  print(
    `simul compare${plan.mode === 'quick' ? ' --quick' : ''}: processes, threads and simul ` +
      `tasks on this machine (${CORES} cores, ${bytes(os.totalmem())}, Node ${process.version}); ` +
      `budget ${bytes(budgetBytes)}, at most ${duration(plan.timeLimitMs)}.`,
  );
  let report: CompareReport;
  try {
    report = await measureReport(options, progressSink());
  } catch (error) {
    if (error instanceof CancelledError) {
      console.error('simul compare: interrupted; every process it started has been stopped.');
      return 130;
    }
    throw error;
  }
  print('');
  for (const line of comparisonTable(report)) print(line);
  print('');
  print(`Measured in ${duration(report.durationMs)}.`);
  if (options.json !== null) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    print(`JSON report: ${options.json}`);
  }
  if (options.html !== null) {
    await writeFile(options.html, await htmlReport(report));
    print(`HTML report: ${options.html}`);
  }
  return 0;
}
