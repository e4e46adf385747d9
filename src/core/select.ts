/**
 * A race of waits in which at most one happens, as Go's `select`: each wait parks a case of
 * its own, and the first case woken wins. The win is decided inside `wake`, at the moment the
 * primitive hands the case its outcome (a queue's item, a lock, a permit), and before anything
 * else can run the other cases are taken out of their wait-queues, so no other item, permit or
 * lock is ever taken on the racer's behalf: a primitive that tries to hand one to a case that
 * lost finds it gone and serves its next waiter instead. A wait that can complete at once
 * wins at once, and the waits after it are never started.
 *
 * This covers primitive waits: sleeps, joins, foreign waits, and every wait of the
 * synchronisation primitives. A composite operation (withTimeout, taskGroup, all...) runs
 * code of its own and cannot be undone in one instant; `race` runs those in tasks.
 */
import {
  Continuation,
  park,
  PENDING,
  Thrown,
  wake,
  type Waitable,
  type WaitingTask,
} from './continuation.js';
import { begin, Operation } from './operation.js';
import type { ScopeLike } from './scope.js';

/** Hears which case won, and how its wait ended, at the instant it wins. */
export type OnDecided = (index: number, ok: boolean, value: unknown) => void;

/** One case of a select: the continuation its wait parks, which relays its outcome at once. */
class Case extends Continuation {
  constructor(
    private readonly state: SelectState,
    readonly index: number,
    readonly task: WaitingTask,
    public scope: ScopeLike,
  ) {
    super();
  }

  override relay(): void {
    const value = this.resumeValue;
    this.resumeValue = undefined;
    if (value instanceof Thrown) this.state.decide(this.index, false, value.error);
    else this.state.decide(this.index, true, value);
  }

  run(): void {
    // Never queued: a case relays its outcome from `wake`.
  }
}
(Case.prototype as { relays: boolean }).relays = true;

class SelectState {
  readonly cases: Case[] = [];
  decided = false;
  constructor(
    private readonly racer: Continuation,
    private readonly onDecided: OnDecided | null,
  ) {}

  decide(index: number, ok: boolean, value: unknown): void {
    if (this.decided) return;
    this.decided = true;
    this.abortAll();
    this.onDecided?.(index, ok, value);
    wake(this.racer, ok, value);
  }

  /** Takes every case still parked out of its wait: cancelled means it did not happen. */
  abortAll(): void {
    for (const c of this.cases) {
      const on = c.waitingOn;
      if (on === null) continue;
      on.abort(c);
      c.waitingOn = null;
      c.task.removeWait(c);
    }
  }
}

/**
 * Waits on every one of `ops` and ends as the first of them ends, with its value or error; the
 * others are aborted in the same instant. `onDecided` hears of the winner at that instant too
 * (before the racer runs again), for a race that also runs composite operations in tasks.
 */
export class Select<T> extends Operation<T> {
  readonly cancellable = true;
  constructor(
    private readonly label: string,
    private readonly ops: readonly Waitable[],
    private readonly onDecided: OnDecided | null = null,
  ) {
    super();
  }

  start(k: Continuation): unknown {
    const state = new SelectState(k, this.onDecided);
    for (let i = 0; i < this.ops.length; i++) {
      const c = new Case(state, i, k.task, k.scope);
      let result: unknown;
      try {
        result = begin(this.ops[i], c);
      } catch (error) {
        state.decided = true;
        state.abortAll();
        this.onDecided?.(i, false, error);
        throw error;
      }
      if (result !== PENDING) {
        state.decided = true;
        state.abortAll();
        this.onDecided?.(i, true, result);
        return result;
      }
      state.cases.push(c);
    }
    return park(k, this, state);
  }

  override abort(k: Continuation): void {
    const state = k.waitData as SelectState;
    state.decided = true;
    state.abortAll();
  }

  describe(): string {
    return this.label;
  }
}
