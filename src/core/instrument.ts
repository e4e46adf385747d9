/**
 * Instruments (as in Trio): hooks the loop calls as tasks come and go and steps run, for
 * tracing and metrics. Every hook is optional. An instrument that throws fails the run
 * with its error rather than being dropped silently.
 */
import type { Task } from './task.js';

export interface Instrument {
  /** A task was spawned (it is 'ready' and has not run yet). */
  taskSpawned?(task: Task): void;
  /** A step of `task` is about to run (a generator resumes, or an await is resolved). */
  stepStarted?(task: Task): void;
  /** That step returned to the loop. */
  stepEnded?(task: Task): void;
  /** `task` finished: its state is 'done', 'failed' or 'cancelled'. */
  taskExited?(task: Task): void;
  /** No task is ready: the loop is about to wait for a timer or for I/O. */
  beforeIdle?(): void;
}
