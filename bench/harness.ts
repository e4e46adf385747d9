/**
 * Shared measurement helpers for the benchmarks in bench/*.bench.ts.
 *
 * A bench file is a standalone script: `scripts/bench.js` runs each compiled
 * `dist/bench/*.bench.js` in a process of its own and collects the Markdown it prints on
 * stdout. The helpers here cover the four things every bench needs, and nothing else:
 *
 * - sizes: `quick` (set by `npm run bench -- --quick`) and `size(full, quick)`;
 * - time: `measure(fn)` warms up, repeats and keeps the median (one slow outlier, a GC
 *   pause, must not decide a ratio); `perOp` turns it into ns per operation;
 * - memory: `gc()`, `heapUsed()` (after a full collection, needs `--expose-gc`) and
 *   `peakRss()` (the kernel's high-water mark of the whole process, so run the thing to
 *   measure in a fresh process: see `inChild`);
 * - isolation: `inChild` runs one measurement in a fresh process, preloaded with
 *   `record-loads.js`, and fails if the process loaded a contender's library other than
 *   the one it measures;
 * - output: `table` and `ratioTable` (Markdown, with "x vs simul" ratio columns),
 *   `ratio`, `verdict` (a target met or missed, by how much), `ratioTargetTable` (targets
 *   stated as ratios to a native floor measured in the same run), `formatNs`,
 *   `formatBytes`, `formatMs`.
 *
 * A bench file declares the Node flags it needs in a comment at its top, for example
 * `// @bench-node-flags --expose-gc`; scripts/bench.js reads it from the compiled file.
 *
 * @example
 * import { measure, perOp, ratioTable, size } from './harness.js';
 * const n = size(100_000, 10_000);
 * const simul = perOp(await measure(() => runLockLoop(n)), n);
 * const peer = perOp(await measure(() => runPeerLoop(n)), n);
 * console.log(ratioTable('lock + unlock', 'ns/op', [
 *   { name: 'simul', value: simul, format: formatNs },
 *   { name: 'p-limit', value: peer, format: formatNs },
 * ], ['simul']));
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** True under `npm run bench -- --quick`: use smaller sizes and fewer repetitions. */
export const quick: boolean =
  process.argv.includes('--quick') || process.env.SIMUL_BENCH_QUICK === '1';

/** `full` normally, `quickSize` under --quick. */
export function size(full: number, quickSize: number): number {
  return quick ? quickSize : full;
}

// --- time --------------------------------------------------------------------------------

export interface Sample {
  /** Median wall time of one call of the measured function, in nanoseconds. */
  median: number;
  min: number;
  max: number;
  /** Every timed repetition, in nanoseconds, in the order they ran. */
  samples: number[];
}

export interface MeasureOptions {
  /** Untimed calls first, so the JIT has compiled the hot path (default 2; 1 under --quick). */
  warmup?: number;
  /** Timed calls; the median is kept (default 5; 3 under --quick). */
  repeat?: number;
}

/**
 * Calls `fn` `warmup` times untimed, then `repeat` times timed, and returns the median
 * (and spread) of the timed calls in nanoseconds. `fn` may be async; it is awaited.
 * Put many operations inside one call of `fn` and divide with `perOp`: a single
 * operation is far below the timer's resolution.
 */
export async function measure(
  fn: () => unknown,
  { warmup = quick ? 1 : 2, repeat = quick ? 3 : 5 }: MeasureOptions = {},
): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples };
}

/** Nanoseconds per operation when one measured call did `ops` operations. */
export function perOp(sample: Sample, ops: number): number {
  return sample.median / ops;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// --- memory ------------------------------------------------------------------------------

/** A full, synchronous garbage collection. Throws unless node runs with --expose-gc. */
export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (typeof collect !== 'function') {
    throw new Error('gc(): run node with --expose-gc (declare it with // @bench-node-flags)');
  }
  // Twice: the first pass can leave objects whose finalisation frees more.
  collect();
  collect();
}

/** V8 heap in use after a full collection, in bytes. Needs --expose-gc. */
export function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * The peak resident set size of this process so far, in bytes (the kernel's `ru_maxrss`,
 * so nothing between two samples is missed). It includes Node itself (~40-50 MB) and
 * every earlier measurement of the same process: measure one thing per fresh process.
 */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

// --- child processes ---------------------------------------------------------------------

const RESULT_MARK = '@@bench-result ';
/** The line on which record-loads.js lists the libraries a child loaded. */
export const LOADED_MARK = '@@bench-loaded ';
const RECORD_LOADS = fileURLToPath(new URL('./record-loads.js', import.meta.url));

/** The libraries the benches compare: a measurement's process may hold one of them at most. */
export const CONTENDER_LIBRARIES: readonly string[] = [
  'simul',
  'effect',
  'effection',
  'p-queue',
  'p-limit',
];

export interface ChildOptions {
  /** Node flags, e.g. ['--expose-gc', '--max-old-space-size=8192']. */
  nodeFlags?: string[];
  /** The node binary (default: the one running this script). */
  node?: string;
  /** Kill the child after this long (default 10 minutes). */
  timeoutMs?: number;
  /**
   * The one library of CONTENDER_LIBRARIES the child may load (null: none of them). If it
   * loads another, or a file that belongs to no library, `inChild` throws. Unchecked when
   * undefined, or when the child's Node cannot record its loads (before Node 22.15).
   */
  library?: string | null;
}

/**
 * Runs `module` (a path or file URL of a compiled script) in a fresh node process with
 * `args`, and returns the value the child passed to `reply`. The child's other output goes
 * to this process's stderr, so that only Markdown reaches stdout. Throws, with the child's
 * stderr, if it fails or replies nothing, or if it loaded a library it should not have
 * (`options.library`). `--quick` is passed on.
 */
export function inChild<T>(module: string | URL, args: string[], options: ChildOptions = {}): T {
  const path = typeof module === 'string' ? module : fileURLToPath(module);
  const argv = [
    ...(options.nodeFlags ?? []),
    '--import',
    pathToFileURL(RECORD_LOADS).href,
    path,
    ...args,
    ...(quick ? ['--quick'] : []),
  ];
  const child = spawnSync(options.node ?? process.execPath, argv, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = (child.stdout ?? '').split('\n');
  const marked = (line: string) => line.startsWith(RESULT_MARK) || line.startsWith(LOADED_MARK);
  const other = lines.filter((line) => !marked(line)).join('\n');
  if (other.trim() !== '') process.stderr.write(other + '\n');
  const result = lines.find((line) => line.startsWith(RESULT_MARK));
  if (child.status !== 0 || result === undefined) {
    const how = child.error ? String(child.error) : `status ${child.status} ${child.signal ?? ''}`;
    const error = new Error(
      `bench child ${path} ${args.join(' ')} failed (${how}):\n${child.stderr ?? ''}`.trimEnd(),
    );
    // A caller that goes on after a failure must still stop on Ctrl-C (the child's SIGINT).
    throw Object.assign(error, { signal: child.signal });
  }
  if (child.stderr) process.stderr.write(child.stderr);
  const loaded = lines.find((line) => line.startsWith(LOADED_MARK));
  if (options.library !== undefined && loaded !== undefined) {
    const libraries = JSON.parse(loaded.slice(LOADED_MARK.length)) as string[];
    const strangers = strangerLibraries(libraries, options.library);
    if (strangers.length > 0) {
      throw new Error(
        `bench child ${path} ${args.join(' ')} should load ${options.library ?? 'no library'} ` +
          `only, but it loaded ${strangers.join(', ')}`,
      );
    }
  }
  return JSON.parse(result.slice(RESULT_MARK.length)) as T;
}

/**
 * What a process loaded besides `library`: the other contenders' libraries, and files of no
 * library at all. A contender's own dependencies (p-queue's, say) are not strangers.
 */
export function strangerLibraries(loaded: readonly string[], library: string | null): string[] {
  return loaded.filter(
    (name) => name !== library && (CONTENDER_LIBRARIES.includes(name) || name.startsWith('/')),
  );
}

/** In a child started by `inChild`: hands `value` (JSON-serialisable) to the parent. */
export function reply(value: unknown): void {
  process.stdout.write(RESULT_MARK + JSON.stringify(value) + '\n');
}

// --- output ------------------------------------------------------------------------------

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns < 1_000) return `${ns.toFixed(ns < 10 ? 1 : 0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  return `${(ns / 1_000_000).toFixed(1)} ms`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 1_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1_000).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes < 10_000) return `${bytes.toFixed(0)} B`;
  if (bytes < 10 * 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 10 * 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** A Markdown table; cells are printed as given, numbers with toString(). */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown): string => String(value).replace(/\|/g, '\\|');
  const lines = [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export interface Row {
  /** The contender, as shown in the first column. */
  name: string;
  /** The measured value; lower is better (a time, a size). NaN when not measured. */
  value: number;
  /** How the value is printed (default: formatNs). */
  format?: (value: number) => string;
  /** Extra cells after the ratios (e.g. a second metric, a note). */
  extra?: readonly unknown[];
}

/**
 * A Markdown table with one row per contender: its value, then one ratio column per
 * baseline, "x vs <baseline>" = value / baseline's value (so 3.0x means three times the
 * time, or the memory, of that baseline).
 */
export function ratioTable(
  metric: string,
  rows: readonly Row[],
  baselines: readonly string[],
  extraHeaders: readonly string[] = [],
): string {
  const base = baselines.map((name) => rows.find((row) => row.name === name)?.value ?? NaN);
  return table(
    ['', metric, ...baselines.map((name) => `x vs ${name}`), ...extraHeaders],
    rows.map((row) => [
      row.name,
      (row.format ?? formatNs)(row.value),
      ...base.map((b) => ratio(row.value, b)),
      ...(row.extra ?? []),
    ]),
  );
}

/** A target stated as a ratio to a native floor measured in the same run (same unit). */
export interface RatioTarget {
  /** What is measured, as shown in the first column. */
  name: string;
  /** simul's measured value; lower is better. */
  value: number;
  /** The native floor measured in the same run. */
  floor: number;
  /** The most `value / floor` may be. */
  maxRatio: number;
  /** What the floor is, e.g. "an `await null` hop". */
  floorName: string;
  /** How values are printed (default: formatNs). */
  format?: (value: number) => string;
}

/**
 * A Markdown table of targets stated as ratios to a native floor: the limit, the floor this
 * run measured and what the limit comes to at that floor, the measured value and its ratio,
 * and the verdict, computed from the ratio. The ratio takes out how fast the machine, the
 * Node and the day are (a slower or busier machine slows the floor too); it does not take
 * out run-to-run noise, since the floor is measured in a process of its own.
 */
export function ratioTargetTable(targets: readonly RatioTarget[]): string {
  return table(
    ['target', 'limit', 'floor in this run', 'limit at this floor', 'measured', 'verdict'],
    targets.map((t) => {
      const format = t.format ?? formatNs;
      return [
        t.name,
        `≤ ${t.maxRatio}x ${t.floorName}`,
        format(t.floor),
        format(t.floor * t.maxRatio),
        `${format(t.value)} (${ratio(t.value, t.floor)})`,
        verdict(t.value / t.floor, t.maxRatio),
      ];
    }),
  );
}

/** "met" when `value` (lower is better) is within `limit`, else "**missed** by N%". */
export function verdict(value: number, limit: number): string {
  if (!Number.isFinite(value)) return 'not measured';
  if (value <= limit) return 'met';
  return `**missed** by ${(((value - limit) / limit) * 100).toFixed(0)}%`;
}

export function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0) return '–';
  const r = value / baseline;
  return `${r < 10 ? r.toFixed(2) : r.toFixed(0)}x`;
}
