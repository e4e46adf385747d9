/**
 * The watchdog's own thread (see watchdog.ts). It shares one small block of memory with the
 * main thread and polls it: while the main thread spins, nothing of it can run, but this
 * thread can, so it is the one that writes the report, straight to file descriptor 2.
 */
import { writeSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import {
  LABEL_BYTES,
  LABEL_OFFSET,
  SLOT_LABEL,
  SLOT_LABEL_LENGTHS,
  SLOT_RUNS,
  SLOT_SEQ,
  SLOT_STUCK_MS,
  SLOT_TASK_IDS,
  STARTED_OFFSET,
} from './watchdog-layout.js';

const { shared, pid, timeOrigin } = workerData as {
  shared: SharedArrayBuffer;
  pid: number;
  /** The main thread's performance.timeOrigin: step start times are its performance.now(). */
  timeOrigin: number;
};
const ints = new Int32Array(shared, 0, 16);
const started = new Float64Array(shared, STARTED_OFFSET, 1);
const decoder = new TextDecoder();

let reported = -1;
for (;;) {
  if (Atomics.load(ints, SLOT_RUNS) === 0) {
    // No debug run: sleep, at no cost, until one starts (it notifies SLOT_RUNS).
    Atomics.wait(ints, SLOT_RUNS, 0);
    continue;
  }
  const seq = Atomics.load(ints, SLOT_SEQ);
  const stuckMs = Atomics.load(ints, SLOT_STUCK_MS);
  let pollMs = Math.max(5, Math.min(100, stuckMs / 4));
  if (seq % 2 === 1 && seq !== reported) {
    const elapsed = performance.timeOrigin + performance.now() - (timeOrigin + started[0]);
    if (elapsed >= stuckMs) {
      const slot = Atomics.load(ints, SLOT_LABEL);
      const length = Atomics.load(ints, SLOT_LABEL_LENGTHS + slot);
      const start = LABEL_OFFSET + slot * LABEL_BYTES;
      const name = decoder.decode(new Uint8Array(shared, start, length).slice());
      const label = `task #${Atomics.load(ints, SLOT_TASK_IDS + slot)} (${name})`;
      // Read again: the step may have ended while we looked.
      if (Atomics.load(ints, SLOT_SEQ) === seq) {
        reported = seq;
        writeSync(
          2,
          `simul watchdog: ${label} has been running one step for ${Math.round(elapsed)} ms ` +
            `(stuckMs ${stuckMs}) and is still running: every other task is stalled. ` +
            'A step that never returns (a loop with no await in it) cannot be interrupted: ' +
            'Ctrl-C and SIGTERM are handled by JavaScript, which never gets to run; stop the ' +
            `process with kill -9 ${pid} (SIGKILL). Release the CPU with yieldNow() or move ` +
            'the work to a thread (toThread).\n',
        );
      }
    } else {
      pollMs = Math.max(1, Math.min(pollMs, stuckMs - elapsed));
    }
  }
  Atomics.wait(ints, SLOT_SEQ, seq, pollMs);
}
