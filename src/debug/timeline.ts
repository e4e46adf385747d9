/**
 * A ready-made instrument: records every step of every task (which task, when it started,
 * how long it took) and each task's life, so that the lab can draw who held the loop when.
 * Times are the run's clock (virtual or real) for where a step falls, and real time for how
 * long it ran: under the virtual clock a step takes no virtual time at all.
 */
import type { Instrument } from '../core/instrument.js';
import type { Task } from '../core/task.js';

/** One step of one task. */
export interface TimelineStep {
  taskId: number;
  /** The run's clock when the step started (ms). */
  at: number;
  /** How long the step ran, in real time (ms). */
  durationMs: number;
}

/** One task's life. */
export interface TimelineTask {
  id: number;
  name: string;
  parentId: number | null;
  spawnedAt: number;
  /** When it exited (null while it runs) and how. */
  exitedAt: number | null;
  state: string;
}

/**
 * Records a timeline of the run it is given to.
 *
 * @example
 * const timeline = new Timeline();
 * await run(main, { instruments: [timeline] });
 * console.log(timeline.steps.length, timeline.toJSON());
 */
export class Timeline implements Instrument {
  readonly steps: TimelineStep[] = [];
  readonly tasks: TimelineTask[] = [];
  private readonly byId = new Map<number, TimelineTask>();
  private stepAt = 0;
  private stepStart = 0;

  taskSpawned(task: Task): void {
    const entry: TimelineTask = {
      id: task.id,
      name: task.name,
      parentId: task.parent?.id ?? null,
      spawnedAt: task.loop.now(),
      exitedAt: null,
      state: task.state,
    };
    this.byId.set(task.id, entry);
    this.tasks.push(entry);
  }

  stepStarted(task: Task): void {
    this.stepAt = task.loop.now();
    this.stepStart = performance.now();
  }

  stepEnded(task: Task): void {
    this.steps.push({
      taskId: task.id,
      at: this.stepAt,
      durationMs: performance.now() - this.stepStart,
    });
  }

  taskExited(task: Task): void {
    const entry = this.byId.get(task.id);
    if (entry === undefined) return;
    entry.exitedAt = task.loop.now();
    entry.state = task.state;
  }

  /** The timeline as plain data: `{ tasks, steps }`. */
  toJSON(): { tasks: TimelineTask[]; steps: TimelineStep[] } {
    return { tasks: this.tasks, steps: this.steps };
  }
}
