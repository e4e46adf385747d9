/**
 * A fiber drives one generator inside a task: it resumes the generator with the value of
 * the last wait, and starts the wait it yields next. Operations that can complete at once
 * (an uncontended lock, a finished join) continue in the same step without a trip through
 * the ready queue.
 */
import { Continuation, PENDING } from './continuation.js';
import { getRunningFiber, setRunningFiber } from './context.js';
import type { ScopeLike } from './scope.js';
import type { Task } from './task.js';
import { begin, isWaitable } from './operation.js';
import { show } from './validate.js';

export interface FiberOwner {
  fiberDone(fiber: Fiber, ok: boolean, value: unknown): void;
}

export class Fiber extends Continuation {
  iter: Iterator<unknown, unknown, unknown> | null;
  private readonly owner: FiberOwner | null;

  constructor(
    task: Task | null,
    scope: ScopeLike | null,
    iter: Iterator<unknown, unknown, unknown> | null,
    owner: FiberOwner | null,
  ) {
    super();
    if (task !== null) this.task = task;
    if (scope !== null) this.scope = scope;
    this.iter = iter;
    this.owner = owner;
  }

  run(): void {
    this.task.status = 'running';
    this.step(this.resumeOk, this.resumeValue);
  }

  protected step(ok: boolean, value: unknown): void {
    const iter = this.iter as Iterator<unknown, unknown, unknown>;
    const previous = getRunningFiber();
    setRunningFiber(this);
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
        this.finish(false, error);
        return;
      }
      if (result.done === true) {
        setRunningFiber(previous);
        this.finish(true, result.value);
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
        value = begin(op, this);
        if (value === PENDING) break;
        ok = true;
      } catch (error) {
        ok = false;
        value = error;
      }
    }
    setRunningFiber(previous);
  }

  protected finish(ok: boolean, value: unknown): void {
    this.iter = null;
    this.owner?.fiberDone(this, ok, value);
  }
}

function throwInto(error: unknown): never {
  throw error;
}
