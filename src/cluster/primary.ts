/**
 * The primary process of a cluster: it serves nothing itself, it supervises. It runs on a
 * simul loop like any program: each worker is a record with two Events (listening, exited)
 * set from node:cluster's callbacks, and the decisions (restart after a backoff, stop on a
 * crash loop, drain, roll) are tasks that wait on those Events and on timers.
 *
 * Exit status: 0 when every worker drained cleanly; 1 after a crash loop (or an unexpected
 * exit with `restart: false`), or when a worker failed during the drain; 130 / 143 when a
 * second SIGINT / SIGTERM forced the stop (every worker is killed).
 */
import cluster, { type Worker } from 'node:cluster';
import process from 'node:process';
import { run } from '../core/run.js';
import { sleep } from '../core/sleep.js';
import { moveOnAfter } from '../core/scoped.js';
import { race } from '../core/combinators.js';
import { taskGroup, type TaskGroup } from '../core/task-group.js';
import type { Task } from '../core/task.js';
import { Event } from '../sync/event.js';
import { restartDelay } from './backoff.js';
import { CrashWindow } from './crash-window.js';
import { isWorkerMessage, type DrainMessage, type ExitMessage } from './messages.js';
import type { ResolvedClusterOptions } from './options.js';
import { rollingRestart } from './rolling-restart.js';

/** How long past the grace period a draining worker may take before it is killed. */
export const DRAIN_MARGIN_MS = 5000;

/** How long the primary waits for a dead worker's last IPC message after its exit. */
const LAST_MESSAGE_MS = 1000;

const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;

/** One worker process, as the primary sees it. */
export interface WorkerRecord {
  readonly worker: Worker;
  /** node:cluster's id: 1, 2, ... in fork order, never reused. */
  readonly id: number;
  readonly pid: number;
  /** Set once the worker listens for the primary's messages. */
  readonly ready: Event;
  /** Set once a server of the worker listens. */
  readonly listening: Event;
  /** Set once the process has exited (and its last message has been read). */
  readonly exited: Event;
  /** The primary asked it to drain: its exit is expected. */
  draining: boolean;
  /** Restart it if it exits unexpectedly (false for a rolling restart's worker until it listens). */
  replaceOnExit: boolean;
  /** The error the worker reported before it exited, if any. */
  lastError: string | undefined;
}

export class Primary {
  private readonly records = new Map<number, WorkerRecord>();
  private readonly crashes: CrashWindow;
  private readonly stopRequested = new Event({ name: 'cluster stop requested' });
  private readonly pending = new Set<Task>();
  private group: TaskGroup | null = null;
  private stopping = false;
  private forcedBy: keyof typeof SIGNAL_STATUS | null = null;
  private failure: string | null = null;
  private drainFailed = false;
  private rolling: Task | null = null;

  constructor(private readonly options: ResolvedClusterOptions) {
    this.crashes = new CrashWindow(options.crashLoop);
  }

  /** Runs the cluster until it is drained or fails; resolves with the exit status. */
  async run(): Promise<number> {
    const onSignal = (signal: NodeJS.Signals): void => this.onSignal(signal);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, onSignal);
    try {
      await run(() => this.supervise(), { name: 'cluster primary' });
    } finally {
      for (const signal of signals) process.off(signal, onSignal);
      // Whatever happened to the loop, no worker outlives its primary.
      for (const record of this.records.values()) record.worker.process.kill('SIGKILL');
    }
    if (this.forcedBy !== null) return SIGNAL_STATUS[this.forcedBy];
    if (this.failure !== null) {
      log(this.failure);
      return 1;
    }
    return this.drainFailed ? 1 : 0;
  }

  private async supervise(): Promise<void> {
    await taskGroup(async (g) => {
      this.group = g;
      log(`primary ${process.pid} starting ${this.options.workers} workers`);
      for (let i = 0; i < this.options.workers; i++) this.fork();
      await this.stopRequested.wait();
      for (const task of this.pending) task.cancel('the cluster is stopping');
      this.rolling?.cancel('the cluster is stopping');
      for (const record of this.records.values()) this.drain(record);
    });
  }

  /** The workers alive now that are not draining. */
  serving(): WorkerRecord[] {
    return [...this.records.values()].filter((r) => !r.draining && !r.exited.isSet());
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts a worker process. */
  fork(replaceOnExit = true): WorkerRecord {
    const worker = cluster.fork();
    const record: WorkerRecord = {
      worker,
      id: worker.id,
      pid: worker.process.pid ?? -1,
      ready: new Event({ name: `worker ${worker.id} ready` }),
      listening: new Event({ name: `worker ${worker.id} listening` }),
      exited: new Event({ name: `worker ${worker.id} exited` }),
      draining: false,
      replaceOnExit,
      lastError: undefined,
    };
    this.records.set(record.id, record);
    const ready = (): void => {
      if (record.listening.isSet()) return;
      record.listening.set();
      log(`worker ${record.id} (pid ${record.pid}) listening`);
    };
    worker.on('listening', ready);
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.simul === 'ready') record.ready.set();
      else if (message.simul === 'listening') ready();
      else if (message.simul === 'exiting') {
        const exit: ExitMessage = { simul: 'exit' };
        if (worker.isConnected()) worker.send(exit);
      } else record.lastError = message.error;
    });
    // A send to a worker that just died fails with EPIPE: its exit is handled below.
    worker.on('error', () => {});
    this.watchExit(record);
    return record;
  }

  /**
   * Handles the worker's exit once both the process has exited and its IPC channel is closed,
   * so that the error it sent just before exiting has been read.
   */
  private watchExit(record: WorkerRecord): void {
    let status: { code: number | null; signal: string | null } | null = null;
    let disconnected = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (): void => {
      if (status === null || record.exited.isSet()) return;
      clearTimeout(timer);
      this.records.delete(record.id);
      record.exited.set();
      this.onExit(record, status.code, status.signal);
    };
    record.worker.on('disconnect', () => {
      disconnected = true;
      settle();
    });
    record.worker.on('exit', (code: number | null, signal: string | null) => {
      status = { code, signal };
      if (disconnected) settle();
      else timer = setTimeout(settle, LAST_MESSAGE_MS);
    });
  }

  private onExit(record: WorkerRecord, code: number | null, signal: string | null): void {
    const how = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
    const name = `worker ${record.id} (pid ${record.pid})`;
    if (record.draining) {
      if (code !== 0 && this.forcedBy === null) {
        this.drainFailed = true;
        log(`${name} failed while draining (${how})${errorLine(record)}`);
      }
      return;
    }
    log(`${name} exited unexpectedly (${how})${errorLine(record)}`);
    if (this.stopping) return;
    const error = record.lastError ?? `${how}, no error reported`;
    const restart = this.options.restart;
    if (restart === false) {
      this.fail(`${name} exited unexpectedly and restart is off; its last error: ${error}`);
      return;
    }
    const recent = this.crashes.record(performance.now());
    if (this.crashes.isLoop(recent)) {
      const { windowMs } = this.options.crashLoop;
      this.fail(
        `crash loop: ${recent} unexpected worker exits within ${windowMs} ms; the cluster stops. ` +
          `The last one, ${name} (${how}), failed with: ${error}`,
      );
      return;
    }
    if (!record.replaceOnExit) return; // a rolling restart's new worker: the old one stays
    const delay = restartDelay(recent, restart);
    log(`restarting it in ${delay} ms`);
    this.later(async () => {
      await sleep(delay);
      if (!this.stopping) this.fork();
    }, `restart worker ${record.id}`);
  }

  /** Runs `body` in a task the stop cancels (a restart's backoff, the rolling restart). */
  later(body: () => Promise<void>, name: string): Task {
    const task = (this.group as TaskGroup).spawn(
      async () => {
        try {
          await body();
        } finally {
          this.pending.delete(task);
        }
      },
      { name },
    );
    this.pending.add(task);
    return task;
  }

  /**
   * Asks `record` to drain: its servers stop accepting, its handlers get `graceMs`, then it
   * exits. Past `graceMs` plus a margin, it is killed.
   */
  drain(record: WorkerRecord): void {
    if (record.draining || record.exited.isSet()) return;
    record.draining = true;
    const limit = this.options.graceMs + DRAIN_MARGIN_MS;
    (this.group as TaskGroup).spawn(
      async () => {
        await moveOnAfter(limit, async () => {
          // A worker still loading its modules would not hear the message yet.
          await race([record.ready.wait(), record.exited.wait()]);
          const message: DrainMessage = { simul: 'drain' };
          if (record.worker.isConnected()) record.worker.send(message);
          await record.exited.wait();
        });
        if (!record.exited.isSet()) {
          this.drainFailed = true;
          log(
            `worker ${record.id} (pid ${record.pid}) did not exit within ${limit} ms; killing it`,
          );
          record.worker.process.kill('SIGKILL');
          await record.exited.wait();
        }
      },
      { name: `drain worker ${record.id}` },
    );
  }

  private fail(message: string): void {
    this.failure ??= message;
    this.stop();
  }

  private stop(): void {
    this.stopping = true;
    this.stopRequested.set();
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (signal === 'SIGHUP') {
      if (this.stopping) return;
      if (this.rolling !== null) {
        log('SIGHUP: a rolling restart is under way already');
        return;
      }
      this.rolling = this.later(async () => {
        try {
          await rollingRestart(this);
        } finally {
          this.rolling = null;
        }
      }, 'rolling restart');
      return;
    }
    const name = signal as keyof typeof SIGNAL_STATUS;
    if (!this.stopping) {
      log(
        `${signal}: draining ${this.records.size} workers (grace period ${this.options.graceMs} ms; ` +
          `${signal} again to stop at once)`,
      );
      this.stop();
      return;
    }
    if (this.forcedBy !== null) return;
    this.forcedBy = name;
    log(`${signal} again: killing ${this.records.size} workers`);
    for (const record of this.records.values()) record.worker.process.kill('SIGKILL');
  }
}

function errorLine(record: WorkerRecord): string {
  return record.lastError === undefined ? '' : `: ${record.lastError}`;
}

/** The primary's reports, on stderr: what happened to which worker, and why. */
export function log(message: string): void {
  process.stderr.write(`simul cluster: ${message}\n`);
}
