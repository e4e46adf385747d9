/**
 * The watchdog: a helper thread that notices a step still running after `stuckMs` and says
 * so *while it runs*. The main thread cannot report a `while (true) {}`: it never gets to run
 * again. So each step publishes, in shared memory, a counter (odd while a step runs), its
 * start time and who runs it; the watchdog thread polls that and writes its report to
 * stderr itself. When the step does end, `onWarning` gets the same warning (debug-options.ts).
 *
 * One thread serves every debug run of the process (one step runs at a time on the main
 * thread). The first debug run starts it; while no debug run runs, it sleeps in
 * `Atomics.wait` (no CPU at all) until the next one starts, rather than being stopped and
 * started again: starting a thread costs tens of milliseconds of CPU, which would fall on
 * the start of every debug run (a test suite has hundreds). It is unref'd, so it never
 * keeps the process alive, and it ends with the process.
 */
import { Worker } from 'node:worker_threads';
import type { Task } from '../core/task.js';
import {
  LABEL_BYTES,
  LABEL_OFFSET,
  SHARED_BYTES,
  SLOT_LABEL_LENGTH,
  SLOT_RUNS,
  SLOT_SEQ,
  SLOT_STUCK_MS,
  STARTED_OFFSET,
} from './watchdog-layout.js';

const shared = new SharedArrayBuffer(SHARED_BYTES);
const ints = new Int32Array(shared, 0, 8);
const started = new Float64Array(shared, STARTED_OFFSET, 1);
const labelBytes = new Uint8Array(shared, LABEL_OFFSET, LABEL_BYTES);
const encoder = new TextEncoder();

let thread: Worker | null = null;

/** The task whose label is in the shared memory now. */
let labelled: Task | null = null;
/** Each task's label, encoded once. */
const labels = new WeakMap<Task, Uint8Array>();

/** A debug run's handle on the watchdog. */
export class Watchdog {
  private stopped = false;

  /** In whole milliseconds, as the shared Int32 slot holds it. */
  private readonly stuckMs: number;

  constructor(
    stuckMs: number,
    private readonly describeTask: (task: Task) => string,
  ) {
    this.stuckMs = Math.min(Math.ceil(stuckMs), 0x7fffffff);
    if (thread === null) {
      thread = new Worker(new URL('./watchdog-thread.js', import.meta.url), {
        // This thread's clock origin: the step start times are its performance.now().
        workerData: { shared, pid: process.pid, timeOrigin: performance.timeOrigin },
        // Not the program's flags: `--input-type=module` (node -e) fails a worker's start.
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      // A watchdog that cannot start must not take the program down: say so, once.
      thread.on('error', (error) =>
        process.stderr.write(`simul warning: the watchdog thread failed: ${String(error)}\n`),
      );
      thread.unref();
    }
    Atomics.add(ints, SLOT_RUNS, 1);
    Atomics.notify(ints, SLOT_RUNS);
  }

  /** Publishes the step: who runs it, since when (`performance.now()`), then "running". */
  stepStarted(task: Task, startedAt: number): void {
    if (task !== labelled) {
      // The label changes only when another task steps; each task's is encoded once.
      let label = labels.get(task);
      if (label === undefined) {
        label = encoder.encode(this.describeTask(task)).subarray(0, LABEL_BYTES);
        labels.set(task, label);
      }
      labelBytes.set(label);
      ints[SLOT_LABEL_LENGTH] = label.length;
      labelled = task;
    }
    if (ints[SLOT_STUCK_MS] !== this.stuckMs) ints[SLOT_STUCK_MS] = this.stuckMs;
    started[0] = startedAt;
    Atomics.add(ints, SLOT_SEQ, 1); // odd: running (published last, after what it announces)
  }

  stepEnded(): void {
    if (ints[SLOT_SEQ] % 2 === 1) Atomics.add(ints, SLOT_SEQ, 1);
  }

  /** The run has ended; after the last one, the thread sleeps until another starts. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stepEnded();
    Atomics.sub(ints, SLOT_RUNS, 1);
  }
}
