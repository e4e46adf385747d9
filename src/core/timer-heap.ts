/**
 * One binary min-heap of timers for the whole loop, ordered by (deadline, seq), with a
 * single host timer armed for its earliest entry (see loop.ts). A sleeping task costs one
 * entry here instead of a `setTimeout` of its own; a `sleep` operation is its own entry, so
 * sleeping allocates nothing more (memory per sleeping task is a benchmark target). Each
 * entry knows its index, so cancelling a sleep removes it in O(log n) instead of leaving a
 * tombstone behind.
 */

/** What the heap holds: a deadline, a tie-breaking sequence number, and what to do. */
export interface TimerEntry {
  deadline: number;
  seq: number;
  /** Position in the heap, or -1 once fired or removed (entries may use other negatives). */
  index: number;
  /** The waiting continuation, if the entry wakes one (used to rank timers under PCT). */
  readonly waiter: { readonly priority: number; readonly task?: unknown } | null;
  fire(): void;
}

/** A timer that runs an action with a target: scope deadlines and `callLater` callbacks. */
export class Timer implements TimerEntry {
  index = -1;
  readonly waiter = null;
  constructor(
    public deadline: number,
    public seq: number,
    private readonly action: (target: never) => void,
    readonly target: unknown,
  ) {}
  fire(): void {
    (this.action as (target: unknown) => void)(this.target);
  }
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

export class TimerHeap {
  private heap: TimerEntry[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): TimerEntry | undefined {
    return this.heap[0];
  }

  push(entry: TimerEntry): void {
    const heap = this.heap;
    entry.index = heap.length;
    heap.push(entry);
    this.up(entry.index);
  }

  pop(): TimerEntry | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop() as TimerEntry;
    if (heap.length > 0) {
      heap[0] = last;
      last.index = 0;
      this.down(0);
    }
    top.index = -1;
    return top;
  }

  remove(entry: TimerEntry): void {
    const i = entry.index;
    if (i < 0) return;
    const heap = this.heap;
    const last = heap.pop() as TimerEntry;
    if (i < heap.length) {
      heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    entry.index = -1;
  }

  private up(i: number): void {
    const heap = this.heap;
    const item = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (!before(item, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = item;
    item.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i];
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right], heap[left]) ? right : left;
      const c = heap[child];
      if (!before(c, item)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = item;
    item.index = i;
  }
}
