/**
 * The pool behind `toProcess`: up to `size` Node processes started with child_process.fork,
 * each running one job at a time (process-worker.ts). Started lazily, one process per job
 * waiting while fewer than `size` run; a job that is cancelled while it runs kills its
 * process (a job cannot be interrupted otherwise), and the next job starts a new one. Idle
 * processes are unreferenced, so they never keep the program alive; they exit when it does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WorkerExitedError } from './errors.js';
import type { JobMessage, SerializedError } from './job.js';

const WORKER = fileURLToPath(new URL('./process-worker.js', import.meta.url));

interface Pending {
  id: number;
  message: JobMessage;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  worker: Worker | null;
  signal: AbortSignal | null;
  onAbort: (() => void) | null;
}

interface Worker {
  child: ChildProcess;
  job: Pending | null;
  /** Unreferenced while idle; referenced again when it gets a job. */
  idleUnref: boolean;
}

interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: SerializedError;
}

/** A job's failure as the worker reported it (rebuilt by the caller). */
export class JobFailure {
  constructor(readonly error: SerializedError) {}
}

export class ProcessPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private destroyed = false;

  constructor(readonly size: number) {}

  /** Processes running now (busy or idle). */
  get processes(): number {
    return this.workers.size;
  }

  /** Runs `message`; resolves with its value, or with a JobFailure; rejects if aborted or the worker dies. */
  run(message: JobMessage, signal: AbortSignal | null): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.destroyed) {
        reject(new WorkerExitedError('the process pool was shut down'));
        return;
      }
      const job: Pending = {
        id: this.nextId++,
        message,
        resolve,
        reject,
        worker: null,
        signal,
        onAbort: null,
      };
      if (signal !== null) {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        job.onAbort = () => this.abort(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.idle.pop();
      if (worker === undefined) {
        if (this.workers.size >= this.size) return;
        worker = this.start();
      }
      const job = this.queue.shift() as Pending;
      job.worker = worker;
      worker.job = job;
      if (worker.idleUnref) {
        worker.child.ref();
        worker.child.channel?.ref();
        worker.idleUnref = false;
      }
      worker.child.send({ id: job.id, ...job.message });
    }
  }

  private start(): Worker {
    const child = fork(WORKER, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // The test runner's own flags would make the worker run tests.
      execArgv: process.execArgv.filter((flag) => !flag.startsWith('--test')),
    });
    const worker: Worker = { child, job: null, idleUnref: false };
    this.workers.add(worker);
    child.on('message', (reply: Reply) => this.finished(worker, reply));
    child.on('exit', (code, signal) => this.exited(worker, code, signal));
    child.on('error', () => {}); // a failed send or kill: 'exit' decides
    return worker;
  }

  private finished(worker: Worker, reply: Reply): void {
    const job = worker.job;
    if (job === null || job.id !== reply.id) return;
    worker.job = null;
    this.settled(job);
    this.idle.push(worker);
    if (reply.ok) job.resolve(reply.value);
    else job.resolve(new JobFailure(reply.error as SerializedError));
    this.dispatch();
    if (worker.job === null) {
      // Idle now (no job was waiting): it must not keep the program alive.
      worker.child.unref();
      worker.child.channel?.unref();
      worker.idleUnref = true;
    }
  }

  private exited(worker: Worker, code: number | null, signal: string | null): void {
    this.workers.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    const job = worker.job;
    worker.job = null;
    if (job !== null) {
      this.settled(job);
      job.reject(
        new WorkerExitedError(
          `the process running the job exited (${signal ?? `code ${code}`}) before it was done`,
        ),
      );
    }
    if (!this.destroyed) this.dispatch();
  }

  private abort(job: Pending): void {
    const reason = job.signal?.reason;
    this.settled(job);
    const i = this.queue.indexOf(job);
    if (i >= 0) this.queue.splice(i, 1);
    const worker = job.worker;
    if (worker !== null && worker.job === job) {
      // A running job cannot be interrupted: its process is killed, and replaced on demand.
      worker.job = null;
      worker.child.kill('SIGKILL');
    }
    job.reject(reason);
  }

  private settled(job: Pending): void {
    if (job.signal !== null && job.onAbort !== null) {
      job.signal.removeEventListener('abort', job.onAbort);
      job.onAbort = null;
    }
  }

  /** Kills every process and fails the jobs still queued; resolves once they have exited. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const job of this.queue.splice(0)) {
      this.settled(job);
      job.reject(new WorkerExitedError('the process pool was shut down'));
    }
    const exits = [...this.workers].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null) resolve();
          else {
            worker.child.once('exit', () => resolve());
            worker.child.kill('SIGKILL');
          }
        }),
    );
    await Promise.all(exits);
  }
}
