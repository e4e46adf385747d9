/**
 * What the loop runs and whom it runs it for. A *step* is one stretch of a task's code
 * between two waits: a generator resumed until it yields its next wait, or an async function
 * resumed until it awaits its next operation (or a foreign promise). The loop runs one step
 * at a time, in the order the schedule policy chooses, whatever the task's style.
 *
 * A generator step runs inside the loop's call; an async step runs on in microtasks after it,
 * so the loop follows it through `asyncState` instead: the task counts how many pieces of its
 * async code are in flight (resumed or started, not yet parked) and tells the loop when the
 * count drops back to zero.
 */
import type { Prioritized } from './schedule.js';

export type TaskState = 'ready' | 'running' | 'waiting' | 'done' | 'failed' | 'cancelled';

/** The task side of a step, as the loop sees it. */
export interface StepOwner extends Prioritized {
  status: TaskState;
  /**
   * More than 0: that many pieces of the task's async code are running (resumed, not yet
   * parked again). 0: none; the task's code is parked on simul operations, or is generator
   * code. IN_FOREIGN_AWAIT: its async code waits in a raw `await` of a promise from outside
   * simul, which the loop found out when the microtask queue ran dry without it parking.
   */
  asyncState: number;
  /**
   * Whether the task's async code, found neither running nor parked once the microtask queue
   * ran dry, can only be in a raw await of a foreign promise: its body is still running and
   * none of its waits is parked on a simul operation (one is, for the rest of a
   * `Promise.all` of operations whose first part completed).
   */
  inForeignAwait(): boolean;
}

/** `asyncState` of a task whose async code sits in a raw await of a foreign promise. */
export const IN_FOREIGN_AWAIT = -1;

/** Something the loop can run from its ready queue: a continuation of a task, or a callback. */
export interface Runnable {
  /** The task whose step this is; null for a callback, which belongs to no task. */
  readonly task: StepOwner | null;
  /** Used by the PCT policy to rank candidates. */
  readonly priority: number;
  run(): void;
}
