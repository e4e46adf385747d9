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
  LABEL_SLOTS,
  SHARED_BYTES,
  SLOT_LABEL,
  SLOT_LABEL_LENGTHS,
  SLOT_RUNS,
  SLOT_SEQ,
  SLOT_STUCK_MS,
  SLOT_TASK_IDS,
  STARTED_OFFSET,
} from './watchdog-layout.js';

const shared = new SharedArrayBuffer(SHARED_BYTES);
const ints = new Int32Array(shared, 0, 16);
const started = new Float64Array(shared, STARTED_OFFSET, 1);
const labelSlots = Array.from(
  { length: LABEL_SLOTS },
  (_, i) => new Uint8Array(shared, LABEL_OFFSET + i * LABEL_BYTES, LABEL_BYTES),
);
const encoder = new TextEncoder();

let thread: Worker | null = null;

/** The task each label slot names, and the slot to reuse next. */
const labelled: (Task | null)[] = new Array<Task | null>(LABEL_SLOTS).fill(null);
let nextSlot = 0;
let seq = 0;

/** A debug run's handle on the watchdog. */
export class Watchdog {
  private stopped = false;

  /** In whole milliseconds, as the shared Int32 slot holds it. */
  private readonly stuckMs: number;

  constructor(stuckMs: number) {
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
    let slot = labelled.indexOf(task);
    if (slot < 0) {
      slot = nextSlot;
      nextSlot = (nextSlot + 1) % LABEL_SLOTS;
      // The name and the id: the thread writes `task #3 (worker)` from them.
      const { written } = encoder.encodeInto(task.name, labelSlots[slot]);
      ints[SLOT_LABEL_LENGTHS + slot] = written;
      ints[SLOT_TASK_IDS + slot] = task.id;
      labelled[slot] = task;
    }
    ints[SLOT_LABEL] = slot;
    if (ints[SLOT_STUCK_MS] !== this.stuckMs) ints[SLOT_STUCK_MS] = this.stuckMs;
    started[0] = startedAt;
    Atomics.store(ints, SLOT_SEQ, ++seq); // odd: running (published last, after the rest)
  }

  stepEnded(): void {
    // A plain store: nothing is published with it, and the thread reads it atomically.
    if ((seq & 1) === 1) ints[SLOT_SEQ] = ++seq;
  }

  /** The run has ended; after the last one, the thread sleeps until another starts. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stepEnded();
    // The last run lets go of the tasks the labels named, and of all they hold.
    if (Atomics.sub(ints, SLOT_RUNS, 1) === 1) labelled.fill(null);
  }
}
