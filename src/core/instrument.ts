/**
 * Instruments (as in Trio): hooks the loop calls as tasks come and go and steps run, for
 * tracing and metrics. Every hook is optional. An instrument that throws fails the run
 * with its error rather than being dropped silently.
 *
 * A step is the same thing in both task styles: from the moment the loop resumes a task until
 * it waits again (an async step ends when its function parks, finishes, or awaits a promise
 * from outside simul).
 */
import type { Loop, LoopMonitor } from './loop.js';
import type { StepOwner } from './step.js';
import type { Task } from './task.js';

export interface Instrument {
  /** A task was spawned (it is 'ready' and has not run yet). */
  taskSpawned?(task: Task): void;
  /** A step of `task` is about to run (a generator resumes, or an await is resolved). */
  stepStarted?(task: Task): void;
  /** That step is over: the task waits again, or has ended. */
  stepEnded?(task: Task): void;
  /** `task` finished: its state is 'done', 'failed' or 'cancelled'. */
  taskExited?(task: Task): void;
  /** No task is ready: the loop is about to wait for a timer or for I/O. */
  beforeIdle?(): void;
}

/** Calls every instrument's hooks for the loop; an instrument that throws crashes the run. */
export class InstrumentMonitor implements LoopMonitor {
  loop: Loop | null = null;
  constructor(private readonly instruments: readonly Instrument[]) {}

  taskSpawned(owner: StepOwner): void {
    this.notify('taskSpawned', owner as Task);
  }
  stepStarted(owner: StepOwner): void {
    this.notify('stepStarted', owner as Task);
  }
  stepEnded(owner: StepOwner): void {
    this.notify('stepEnded', owner as Task);
  }
  taskExited(owner: StepOwner): void {
    this.notify('taskExited', owner as Task);
  }
  beforeIdle(): void {
    this.notify('beforeIdle', null);
  }

  private notify(hook: keyof Instrument, task: Task | null): void {
    for (const instrument of this.instruments) {
      const fn = instrument[hook] as ((task: Task | null) => void) | undefined;
      if (fn === undefined) continue;
      try {
        fn.call(instrument, task);
      } catch (error) {
        this.loop?.crash(error);
      }
    }
  }
}
