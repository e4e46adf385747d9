/**
 * Driving a generator inside a task: resume it with the value of the last wait, and start
 * the wait it yields next. Operations that can complete at once (an uncontended lock, a
 * finished join) continue in the same step without a trip through the ready queue.
 *
 * A task's own generator is driven by the Task object itself (one allocation per task);
 * a `Fiber` drives a nested generator: a composite operation awaited from async code.
 */
import { Continuation, PENDING, Thrown, type WaitingTask } from './continuation.js';
import { getRunningFiber, setRunningFiber, type Context } from './context.js';
import type { ScopeLike } from './scope.js';
import { begin, isWaitable } from './operation.js';
import { show } from './validate.js';

/** A continuation that runs a generator: a Task, or a nested Fiber. */
export interface GeneratorHost extends Continuation, Context {
  iter: Iterator<unknown, unknown, unknown> | null;
  finishGenerator(ok: boolean, value: unknown): void;
}

export interface FiberOwner {
  fiberDone(fiber: Fiber, ok: boolean, value: unknown): void;
}

/** Runs `host`'s generator from (ok, value) until it parks, returns or throws. */
export function driveGenerator(host: GeneratorHost, ok: boolean, value: unknown): void {
  const iter = host.iter as Iterator<unknown, unknown, unknown>;
  const previous = getRunningFiber();
  setRunningFiber(host);
  for (;;) {
    let result: IteratorResult<unknown, unknown>;
    try {
      result = ok
        ? iter.next(value)
        : typeof iter.throw === 'function'
          ? iter.throw(value)
          : throwInto(value);
    } catch (error) {
      setRunningFiber(previous);
      host.finishGenerator(false, error);
      return;
    }
    if (result.done === true) {
      setRunningFiber(previous);
      host.finishGenerator(true, result.value);
      return;
    }
    const op = result.value;
    if (!isWaitable(op)) {
      ok = false;
      value = new TypeError(
        `a generator task yielded ${show(op)}; use yield* with a simul operation ` +
          '(yield* sleep(10), yield* task, yield* all([...]))',
      );
      continue;
    }
    try {
      value = begin(op, host);
      if (value === PENDING) break;
      ok = true;
    } catch (error) {
      ok = false;
      value = error;
    }
  }
  setRunningFiber(previous);
}

/** Resumes `host`'s generator with the value (or error) its wait ended with. */
export function resumeGenerator(host: GeneratorHost): void {
  const value = host.resumeValue;
  host.resumeValue = undefined;
  if (value instanceof Thrown) driveGenerator(host, false, value.error);
  else driveGenerator(host, true, value);
}

function throwInto(error: unknown): never {
  throw error;
}

export class Fiber extends Continuation implements GeneratorHost {
  readonly task: WaitingTask;
  scope: ScopeLike;
  constructor(
    task: WaitingTask,
    scope: ScopeLike,
    public iter: Iterator<unknown, unknown, unknown> | null,
    private readonly owner: FiberOwner,
  ) {
    super();
    this.task = task;
    this.scope = scope;
  }

  /** Generator code does not await: `then` called from inside it gets a wait of its own. */
  claimAwait(): Continuation | null {
    return null;
  }

  releaseAwait(): void {}

  run(): void {
    this.task.status = 'running';
    resumeGenerator(this);
  }

  finishGenerator(ok: boolean, value: unknown): void {
    this.iter = null;
    this.owner.fiberDone(this, ok, value);
  }
}
