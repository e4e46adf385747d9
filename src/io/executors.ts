/**
 * Executors (SPEC §6): `toThread` and `toProcess` run a CPU-bound job elsewhere so the loop
 * keeps serving everything else — the talk's answer to "a CPU-heavy task stalls
 * everything" and to "use every core".
 *
 * - Threads: a piscina pool (chosen over tinypool by measurement: see docs/io.md and the
 *   `executors` benchmark), sized to the machine's cores, created on first use. Idle threads
 *   are unreferenced, so they never keep a finished program alive.
 * - Processes: simul's own pool over child_process.fork (process-pool.ts), same sizing.
 * - Each job is a foreign wait the loop knows about, cancellable: the scope's AbortSignal
 *   goes to the pool, which drops a queued job and stops a running one (piscina terminates
 *   the thread, the process pool kills the process; both start a fresh one on demand).
 * - A job's error comes back as `RemoteError` with the worker's stack.
 * - The pools shut down with the loop, as asyncio.run shuts down its default executor: when
 *   the last run that used them finishes, both stop (and start again on the next job).
 *   `shutdownExecutors()` stops them at once.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { until } from '../core/foreign.js';
import type { Loop } from '../core/loop.js';
import { currentContext } from '../core/context.js';
import type { Operation } from '../core/operation.js';
import { ERROR_MARK, rebuildError, resolveJob, type Job, type SerializedError } from './job.js';
import { unwrapTransfers } from './transfer.js';
import { JobFailure, ProcessPool } from './process-pool.js';

const THREAD_WORKER = new URL('./thread-worker.js', import.meta.url).href;

/** The number of workers each pool runs at most: the machine's cores. */
export const EXECUTOR_SIZE = os.availableParallelism?.() ?? os.cpus().length;

let threadPool: Piscina | null = null;
let processPool: ProcessPool | null = null;

function threads(): Piscina {
  usedByThisLoop();
  return (threadPool ??= new Piscina({
    filename: THREAD_WORKER,
    minThreads: EXECUTOR_SIZE,
    maxThreads: EXECUTOR_SIZE,
    // Argument checks happen in toThread; an unbounded queue keeps the semantics of a
    // Promise-returning call (back-pressure is the caller's concurrency, e.g. a Semaphore).
    maxQueue: Infinity,
  }));
}

function processes(): ProcessPool {
  usedByThisLoop();
  return (processPool ??= new ProcessPool(EXECUTOR_SIZE));
}

/** The runs (loops) that have used a pool since it started: the pools stop with the last. */
const loopsUsingPools = new Set<Loop>();

function usedByThisLoop(): void {
  // The job starts in its task's code (the loop itself may not be pumping: an async task's
  // await reaches here in a microtask), so the task says which run it belongs to.
  const loop = currentContext()?.task.loop;
  if (loop === undefined || loopsUsingPools.has(loop)) return;
  loopsUsingPools.add(loop);
  loop.onFinish(() => {
    loopsUsingPools.delete(loop);
    if (loopsUsingPools.size > 0) return;
    // No one is left to await this stop: a failure is reported as a warning, not dropped.
    stopPools().catch((error: unknown) => {
      process.emitWarning(`simul: stopping the executor pools failed: ${String(error)}`);
    });
  });
}

function stopPools(): Promise<unknown> {
  const t = threadPool;
  const p = processPool;
  threadPool = null;
  processPool = null;
  return Promise.all([t?.destroy(), p?.destroy()]);
}

/**
 * Keeps Node's event loop alive while a job is in flight: idle workers are unreferenced (so
 * they never keep a finished program alive), and a job queued while its worker is still
 * starting would otherwise leave the event loop with nothing referenced, which ends the
 * program (simul reports that as a deadlock).
 */
let inFlight = 0;
let keepAlive: ReturnType<typeof setInterval> | null = null;

function jobStarted(): void {
  if (inFlight++ === 0) keepAlive = setInterval(() => {}, 1 << 30);
}

function jobEnded(): void {
  if (--inFlight === 0 && keepAlive !== null) {
    clearInterval(keepAlive);
    keepAlive = null;
  }
}

/** `promise`, counted in flight until it settles, then checked by `check`: one reaction. */
function tracked<T>(
  promise: Promise<T>,
  check: (value: T) => unknown = (v) => v,
): Promise<unknown> {
  jobStarted();
  return promise.then(
    (value) => {
      jobEnded();
      return check(value);
    },
    (error: unknown) => {
      jobEnded();
      throw error;
    },
  );
}

/** Jobs are usually made once and run many times: their checks are done once. */
const resolvedJobs = new WeakMap<object, { module: string; export: string }>();

function resolved(where: string, job: Job): { module: string; export: string } {
  if (job !== null && typeof job === 'object') {
    const known = resolvedJobs.get(job);
    if (
      known !== undefined &&
      known.module === specifierOf(job) &&
      known.export === (job.export ?? 'default')
    ) {
      return known;
    }
  }
  const r = resolveJob(where, job);
  resolvedJobs.set(job, r);
  return r;
}

function specifierOf(job: Job): string | undefined {
  return job.module instanceof URL ? job.module.href : undefined;
}

function threadResult(result: unknown): unknown {
  if (result !== null && typeof result === 'object' && ERROR_MARK in result) {
    throw rebuildError((result as Record<string, SerializedError>)[ERROR_MARK], 'a worker thread');
  }
  return result;
}

function processResult(result: unknown): unknown {
  if (result instanceof JobFailure) throw rebuildError(result.error, 'a worker process');
  return result;
}

/**
 * Runs `job` (an exported function of a module) in a worker thread with `args`, and returns
 * what it returns. Arguments and result are copied (structured clone), or moved when wrapped
 * in `transfer(...)`. Cancelling the wait terminates the thread if the job is running.
 *
 * @example
 * // primes.js: export function countPrimes(limit) { ... }
 * const job = { module: new URL('./primes.js', import.meta.url), export: 'countPrimes' };
 * const n = await toThread<number>(job, 10_000_000);
 */
export function toThread<R = unknown>(job: Job, ...args: unknown[]): Operation<R> {
  const { module, export: name } = resolved('toThread(job, ...args)', job);
  return until(function toThreadJob(signal) {
    const moved = unwrapTransfers(args);
    const options =
      moved.transferList === null
        ? { signal }
        : { signal, transferList: moved.transferList as never };
    return tracked(
      threads().run({ module, export: name, args: moved.args }, options),
      threadResult,
    );
  }) as Operation<R>;
}

/**
 * Runs `job` in a worker process with `args` (copied with the 'advanced' serialization:
 * Buffers, typed arrays, Maps, Dates cross as they are), and returns what it returns.
 * Cancelling the wait kills the process if the job is running.
 *
 * @example
 * const n = await toProcess<number>({ module: '/abs/path/primes.js', export: 'countPrimes' }, 1e7);
 */
export function toProcess<R = unknown>(job: Job, ...args: unknown[]): Operation<R> {
  const { module, export: name } = resolved('toProcess(job, ...args)', job);
  return until(function toProcessJob(signal) {
    const { args: plain } = unwrapTransfers(args);
    return tracked(processes().run({ module, export: name, args: plain }, signal), processResult);
  }) as Operation<R>;
}

/**
 * Stops the thread and process pools now: running jobs fail, workers exit. The next job
 * starts them again. The pools also stop by themselves when the last run that used them
 * finishes, so most programs need not call this.
 *
 * @example
 * await shutdownExecutors();
 */
export function shutdownExecutors(): Operation<void> {
  return until(tracked(stopPools(), () => undefined)) as Operation<void>;
}

/** How many workers run now, per pool (for tests and dumps). */
export function executorStatistics(): { threads: number; processes: number } {
  return { threads: threadPool?.threads.length ?? 0, processes: processPool?.processes ?? 0 };
}
