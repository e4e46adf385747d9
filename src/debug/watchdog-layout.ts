/**
 * The block of shared memory between the main thread and the watchdog thread: a step
 * counter (odd while a step runs), the step's start time and `stuckMs`, and who runs it.
 */
/** Int32 index: incremented as a step starts and as it ends (odd: a step is running). */
export const SLOT_SEQ = 0;
/** Int32 index: the running run's stuckMs. */
export const SLOT_STUCK_MS = 1;
/** Int32 index: the byte length of the label. */
export const SLOT_LABEL_LENGTH = 2;
/** Int32 index: how many debug runs are running (0: the thread sleeps until notified). */
export const SLOT_RUNS = 3;
/** Byte offset of a Float64: when the step started (ms since the epoch, fractional). */
export const STARTED_OFFSET = 32;
/** Byte offset and size of the label: `task #3 (worker), body at file:...` in UTF-8. */
export const LABEL_OFFSET = 64;
export const LABEL_BYTES = 1024;
export const SHARED_BYTES = LABEL_OFFSET + LABEL_BYTES;
