/**
 * The measuring of `simul compare`, as a simul program: each measurement is a host process
 * (host.ts, echo-server.ts, load.ts) started with `exec` or `spawnProcess`, which put it in
 * a process group of its own and kill that group when the waiting task is cancelled. So a
 * Ctrl-C (the run's `handleSignals` cancels the root task), a failed step or the time limit
 * leaves no process and no thread behind: the tests count them.
 *
 * A step that fails, or that the time limit cuts off, is reported in `skipped` and leaves
 * its values null; the others go on.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { exec, spawnProcess, TimeoutError } from '../../index.js';
import type { CpuResult, HelloResult, HostRequest, MemoryResult, StartResult } from './host.js';
import type { LoadRequest, LoadResult } from './load.js';
import { MODELS, MODEL_LABELS, MODEL_MEANS, type Model } from './model.js';
import type { Plan } from './plan.js';
import type { EchoLevel, ModelReport } from './report.js';

const HOST = fileURLToPath(new URL('./host-main.js', import.meta.url));
const ECHO = fileURLToPath(new URL('./echo-main.js', import.meta.url));
const LOAD = fileURLToPath(new URL('./load-main.js', import.meta.url));
const MB = 1024 * 1024;

/** Told of each step as it begins. */
export interface ProgressSink {
  begin(total: number): void;
  step(label: string): void;
  end(): void;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

export const CORES = os.availableParallelism?.() ?? os.cpus().length;

/** How many steps a plan has, for the progress bar. */
export function stepCount(plan: Plan): number {
  const perModel = 4 + (plan.fill ? 1 : 0) + plan.echoLevels.length;
  return perModel * MODELS.length;
}

export async function measureAll(
  plan: Plan,
  budgetBytes: number,
  progress: ProgressSink,
  skipped: string[],
): Promise<ModelReport[]> {
  const deadline = performance.now() + plan.timeLimitMs;
  const left = (): number => deadline - performance.now();

  /** Runs a program to its end; its last line of output as JSON, or null if it failed. */
  async function child<T>(what: string, args: string[]): Promise<T | null> {
    if (left() <= 0) {
      skipped.push(`${what}: not measured, past the time limit`);
      return null;
    }
    try {
      const { exitCode, signal, stdout, stderr } = await exec(process.execPath, args, {
        timeoutMs: left(),
        graceMs: 1000,
      });
      if (exitCode !== 0) {
        const why = stderr.trim().split('\n').slice(-2).join(' ') || `signal ${signal}`;
        skipped.push(`${what}: failed (${why})`);
        return null;
      }
      return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      skipped.push(`${what}: cut off by the time limit`);
      return null;
    }
  }

  const host = <T>(what: string, request: HostRequest, flags: string[] = []): Promise<T | null> => {
    progress.step(what);
    return child<T>(what, ['--expose-gc', ...flags, HOST, JSON.stringify(request)]);
  };

  const reports: ModelReport[] = [];
  for (const model of MODELS) {
    const label = MODEL_LABELS[model];
    const report: ModelReport = {
      model,
      label,
      means: MODEL_MEANS[model],
      start: null,
      memory: null,
      fit: null,
      cpu: null,
      hello: null,
      echo: [],
    };
    reports.push(report);

    const start = await host<StartResult>(`start: ${label}`, {
      kind: 'start',
      model,
      samples: plan.startSamples[model],
    });
    if (start !== null) {
      report.start = { medianMs: median(start.samplesMs), samplesMs: start.samplesMs };
    }

    const memory = await host<MemoryResult>(`memory: ${plan.memoryUnits[model]} ${label}`, {
      kind: 'memory',
      model,
      units: plan.memoryUnits[model],
    });
    if (memory !== null) {
      const { units, privateBytes, sharedBytes, pssBytes, rssBytes, baselineBytes, source } =
        memory;
      report.memory = {
        units,
        privateBytes,
        sharedBytes,
        pssBytes,
        rssBytes,
        baselineBytes,
        source,
      };
      const cost = pssBytes ?? rssBytes;
      report.fit = {
        count: Math.max(0, Math.floor((budgetBytes - baselineBytes) / cost)),
        method: 'extrapolated',
        stoppedBy: null,
      };
    }

    if (plan.fill) {
      const heap =
        model === 'task' ? [`--max-old-space-size=${Math.ceil(budgetBytes / MB) + 512}`] : [];
      const fill = await host<MemoryResult>(
        `fit: ${label} in ${Math.round(budgetBytes / MB)} MB`,
        {
          kind: 'fill',
          model,
          budgetBytes: budgetBytes - (memory?.baselineBytes ?? 0),
          deadlineMs: Math.min(plan.fillDeadlineMs, Math.max(0, left() - 5000)),
          cap: plan.caps[model],
        },
        heap,
      );
      if (fill !== null) {
        report.fit = { count: fill.units, method: 'filled', stoppedBy: fill.stoppedBy ?? null };
      }
    }

    const cpu = await host<CpuResult>(`cpu: ${CORES} ${label} on ${CORES} cores`, {
      kind: 'cpu',
      model,
      workers: CORES,
      targetMs: plan.cpuTargetMs,
      repeats: plan.cpuRepeats,
    });
    if (cpu !== null) {
      report.cpu = {
        workers: cpu.workers,
        sequentialMs: cpu.sequentialMs,
        parallelMs: cpu.parallelMs,
        speedup: cpu.sequentialMs / cpu.parallelMs,
      };
    }

    const hello = await host<HelloResult>(`hello world: ${plan.helloN} ${label}`, {
      kind: 'hello',
      model,
      n: plan.helloN,
      delayMs: plan.helloDelayMs,
    });
    if (hello !== null) {
      report.hello = { n: plan.helloN, delayMs: plan.helloDelayMs, elapsedMs: hello.elapsedMs };
    }

    report.echo = await echo(model, report, plan, {
      progress,
      skipped,
      left,
      load: (request) => child<LoadResult>('echo load', [LOAD, JSON.stringify(request)]),
    });
  }
  return reports;
}

interface EchoContext {
  progress: ProgressSink;
  skipped: string[];
  left: () => number;
  load: (request: LoadRequest) => Promise<LoadResult | null>;
}

function notMeasured(connections: number, skipped: string): EchoLevel {
  return {
    connections,
    units: 0,
    throughput: null,
    p50Ms: null,
    p99Ms: null,
    messages: null,
    errors: null,
    skipped,
  };
}

/** The echo server of one model under growing numbers of connections. */
async function echo(
  model: Model,
  report: ModelReport,
  plan: Plan,
  context: EchoContext,
): Promise<EchoLevel[]> {
  const { progress, skipped, left } = context;
  const label = MODEL_LABELS[model];
  const levels: EchoLevel[] = [];
  // Processes and threads: one per connection, as many as fit in the budget and the cap.
  const most =
    model === 'task' ? Infinity : Math.min(plan.caps[model], report.fit?.count ?? Infinity);
  const server = await spawnProcess(process.execPath, [ECHO, model], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'ignore',
    graceMs: 1000,
  });
  const stdin = server.stdin;
  const stdout = server.stdout;
  if (stdin === null || stdout === null) throw new Error('the echo server has no pipes');
  try {
    const line = async (): Promise<string> => (await stdout.readUntil('\n')).toString().trim();
    const port = Number(/^port (\d+)$/.exec(await line())?.[1]);
    for (const connections of plan.echoLevels) {
      progress.step(`echo: ${label}, ${connections} connection${connections > 1 ? 's' : ''}`);
      if (connections > most) {
        const why =
          report.fit !== null && connections > report.fit.count
            ? `${connections} ${label} do not fit in the budget (${report.fit.count} do)`
            : `over the ${plan.mode} run's cap of ${plan.caps[model]} ${label}`;
        levels.push(notMeasured(connections, why));
        continue;
      }
      if (left() <= 0) {
        levels.push(notMeasured(connections, 'past the time limit'));
        skipped.push(
          `echo: ${label}, ${connections} connections: not measured, past the time limit`,
        );
        continue;
      }
      let units = connections;
      if (model !== 'task') {
        await stdin.write(`units ${connections}\n`);
        units = Number(/^ready (\d+)$/.exec(await line())?.[1]);
      }
      const result = await context.load({
        port,
        connections,
        durationMs: plan.echoDurationMs,
        messageBytes: 64,
      });
      levels.push(
        result === null
          ? notMeasured(connections, 'the load failed')
          : { ...result, units, skipped: null },
      );
    }
  } finally {
    await stdin.close();
    await server.wait();
  }
  return levels;
}
