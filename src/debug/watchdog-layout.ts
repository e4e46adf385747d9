/**
 * The block of shared memory between the main thread and the watchdog thread: a step
 * counter (odd while a step runs), the step's start time, `stuckMs`, and which of a few label
 * slots names the task running it. Tasks that step in turn (a ping-pong, a few workers) keep
 * their slots, so a step usually writes no label at all.
 */
/** Int32 index: incremented as a step starts and as it ends (odd: a step is running). */
export const SLOT_SEQ = 0;
/** Int32 index: the running run's stuckMs. */
export const SLOT_STUCK_MS = 1;
/** Int32 index: which label slot names the running task. */
export const SLOT_LABEL = 2;
/** Int32 index: how many debug runs are running (0: the thread sleeps until notified). */
export const SLOT_RUNS = 3;
/** Int32 index of the first of LABEL_SLOTS byte lengths, one per label slot. */
export const SLOT_LABEL_LENGTHS = 4;
/** Int32 index of the first of LABEL_SLOTS task ids, one per label slot. */
export const SLOT_TASK_IDS = 8;
/** How many label slots (tasks named at once). */
export const LABEL_SLOTS = 4;
/** Byte offset of a Float64: when the step started (the main thread's performance.now()). */
export const STARTED_OFFSET = 64;
/** Byte offset and size of each label slot: the task's name in UTF-8. */
export const LABEL_OFFSET = 128;
export const LABEL_BYTES = 256;
export const SHARED_BYTES = LABEL_OFFSET + LABEL_SLOTS * LABEL_BYTES;
