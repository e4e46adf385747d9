/**
 * The parking lot: the one fair, cancel-aware wait-queue under every synchronisation
 * primitive (Trio's `_parking_lot.py`). Locks, semaphores, events, conditions, barriers,
 * queues and channels only decide *when* to park and *whom* to wake; fairness (strict
 * FIFO) and cancel-safety live here, so they are implemented and tested once.
 *
 * The queue is an intrusive doubly linked list of small nodes, one per parked wait, kept in
 * the continuation's `waitData`. That makes the two operations that happen under load O(1):
 * waking the first waiter, and removing a cancelled waiter from the middle (a timeout that
 * cancels ten thousand waiters at once must not scan the queue ten thousand times).
 *
 * Waking is a hand-off: the primitive decides the outcome (the lock is yours, here is your
 * item) at the moment it unparks a waiter, and the waiter resumes with it even if its scope
 * is cancelled a moment later. A waiter that is no longer parked here (woken or cancelled
 * by another path) is skipped and the wake-up goes to the next one, so a wake-up is never
 * swallowed.
 */
import { Continuation, park, wake, PENDING, type Waitable } from './continuation.js';

/**
 * One parked wait: the continuation, the lot it is in, and the primitive's own data (an
 * item to send).
 *
 * @example
 * const putter = lot.unpark(true, undefined); // the put is complete...
 * if (putter !== null) buffer.push(putter.value); // ...and its item is in the buffer
 */
export class LotNode {
  prev: LotNode | null = null;
  next: LotNode | null = null;
  /** The lot this node is queued in; null once it has left (woken or removed). */
  lot: ParkingLot | null = null;
  constructor(
    readonly k: Continuation,
    /** Per-wait data of the primitive, such as the item a parked `put` carries. */
    public value: unknown,
  ) {}

  /** Resumes the wait of a node returned by `ParkingLot.take()`. */
  wake(ok: boolean, value: unknown): boolean {
    return wakeNode(this, ok, value);
  }
}

/** What `ParkingLot.statistics()` reports. */
export interface ParkingLotStatistics {
  /** How many waits are parked in the lot. */
  waiting: number;
}

/**
 * A FIFO queue of parked waits. `park` from an operation's `start`, `remove` from its
 * `abort`, and `unpark`/`unparkAll` from the code that makes the resource available.
 *
 * @example
 * class Gate extends Operation<void> {
 *   readonly cancellable = true;
 *   readonly lot = new ParkingLot();
 *   start(k: Continuation) { return this.lot.park(k, this); }
 *   override abort(k: Continuation) { this.lot.remove(k); }
 *   describe() { return 'the gate'; }
 *   open() { this.lot.unparkAll(true, undefined); }
 * }
 */
export class ParkingLot {
  private head: LotNode | null = null;
  private tail: LotNode | null = null;
  private count = 0;

  /** How many waits are parked. */
  get length(): number {
    return this.count;
  }

  /** The first parked wait (the next to be woken), or null. */
  first(): LotNode | null {
    return this.head;
  }

  /**
   * Parks `k` at the back of the queue as a wait on `op`, with `value` as the wait's data.
   * Returns PENDING, which `op.start` returns in turn.
   */
  park(k: Continuation, op: Waitable, value?: unknown): typeof PENDING {
    const node = new LotNode(k, value);
    this.append(node);
    return park(k, op, node);
  }

  /**
   * Removes `k`'s node from whichever lot it is queued in (a cancelled wait: "cancelled means
   * it did not happen"). O(1). Does nothing if `k` is not parked in a lot.
   */
  remove(k: Continuation): void {
    const node = k.waitData;
    if (node instanceof LotNode && node.lot !== null) node.lot.unlink(node);
  }

  /**
   * Wakes the first parked wait with `(ok, value)` and returns its node (whose `value` still
   * holds the wait's data), or null if none is parked. A node whose continuation has left
   * the wait by another path is dropped and the next one is woken instead.
   */
  unpark(ok: boolean, value: unknown): LotNode | null {
    const node = this.take();
    if (node !== null) wake(node.k, ok, value);
    return node;
  }

  /**
   * Removes the first parked wait from the queue *without* waking it, for a primitive that
   * must read the node's data to choose what to wake it with; the caller then wakes it with
   * `node.wake(ok, value)` before doing anything else. Dropped nodes as in `unpark`.
   */
  take(): LotNode | null {
    for (let node = this.head; node !== null; node = this.head) {
      this.unlink(node);
      if (isParkedAt(node)) return node;
    }
    return null;
  }

  /** Wakes up to `n` parked waits, first come first served; returns how many were woken. */
  unparkN(n: number, ok: boolean, value: unknown): number {
    let woken = 0;
    while (woken < n && this.unpark(ok, value) !== null) woken++;
    return woken;
  }

  /** Wakes every parked wait with `(ok, value)`; returns how many were woken. */
  unparkAll(ok: boolean, value: unknown): number {
    let woken = 0;
    // Detached in one go: waits parked from now on queue for the next round.
    let node = this.head;
    this.head = this.tail = null;
    this.count = 0;
    while (node !== null) {
      const next = node.next;
      node.prev = node.next = null;
      node.lot = null;
      if (wakeNode(node, ok, value)) woken++;
      node = next;
    }
    return woken;
  }

  /**
   * Moves up to `n` parked waits, in order, to the back of `target` without waking them
   * (Trio's `repark`: a notified condition waiter goes on to queue for the lock). Returns
   * how many were moved.
   */
  repark(target: ParkingLot, n = Infinity): number {
    let moved = 0;
    while (moved < n && this.head !== null) {
      const node = this.head;
      this.unlink(node);
      if (!isParkedAt(node)) continue;
      target.append(node);
      moved++;
    }
    return moved;
  }

  /** Moves every parked wait to the back of `target`; returns how many were moved. */
  reparkAll(target: ParkingLot): number {
    return this.repark(target, Infinity);
  }

  /** Trio's statistics: how many waits are parked. */
  statistics(): ParkingLotStatistics {
    return { waiting: this.count };
  }

  /** The parked waits, first to last (for dumps and tests). */
  *[Symbol.iterator](): IterableIterator<LotNode> {
    for (let node = this.head; node !== null; node = node.next) yield node;
  }

  private append(node: LotNode): void {
    node.lot = this;
    node.next = null;
    node.prev = this.tail;
    if (this.tail !== null) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
  }

  private unlink(node: LotNode): void {
    if (node.prev !== null) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next !== null) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
    node.lot = null;
    this.count--;
  }
}

/**
 * True if the node's continuation is still parked on this very wait. A task's fiber is one
 * continuation reused for every wait of the task, so `wake`'s own check (is it parked at
 * all?) is not enough: a stale node must never wake the continuation's *next* wait.
 */
function isParkedAt(node: LotNode): boolean {
  const k = node.k;
  return k.waitData === node && k.waitingOn !== null;
}

function wakeNode(node: LotNode, ok: boolean, value: unknown): boolean {
  return isParkedAt(node) && wake(node.k, ok, value);
}
