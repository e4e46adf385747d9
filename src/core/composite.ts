/**
 * Composite operations: operations written as generators (withTimeout, taskGroup, all,
 * race, a lock's `withLock`...). Delegating to one (`yield*`) runs its generator inline in the
 * waiting task; awaiting it runs it as a nested fiber of the same task, inside the step that
 * awaited it.
 */
import { Continuation, park, wake } from './continuation.js';
import { Fiber, type FiberOwner } from './fiber.js';
import { Operation, operationUsed } from './operation.js';
import type { Waitable } from './continuation.js';

export class Composite<T> extends Operation<T> {
  readonly cancellable = false; // cancellation reaches the waits inside instead
  constructor(
    private readonly label: string,
    private readonly make: () => Iterator<unknown, T, unknown>,
  ) {
    super();
  }

  override [Symbol.iterator](): Iterator<Waitable, T, unknown> {
    operationUsed(this);
    return this.make() as Iterator<Waitable, T, unknown>;
  }

  start(k: Continuation): unknown {
    const owner = new NestedOwner(k);
    const fiber = new Fiber(k.task, k.scope, this.make(), owner);
    fiber.run();
    if (owner.settled) {
      if (owner.ok) return owner.value;
      throw owner.value;
    }
    owner.parked = true;
    return park(k, this, fiber);
  }

  describe(): string {
    return this.label;
  }
}

class NestedOwner implements FiberOwner {
  settled = false;
  parked = false;
  ok = true;
  value: unknown = undefined;
  constructor(private readonly k: Continuation) {}
  fiberDone(_fiber: Fiber, ok: boolean, value: unknown): void {
    if (this.parked) {
      wake(this.k, ok, value);
    } else {
      this.settled = true;
      this.ok = ok;
      this.value = value;
    }
  }
}
