/**
 * One binary min-heap of timers for the whole loop, ordered by (deadline, seq), with a
 * single host timer armed for its earliest entry (see loop.ts). A sleeping task costs one
 * small record here instead of a `setTimeout` of its own. Each record knows its index, so
 * cancelling a sleep removes it in O(log n) instead of leaving a tombstone behind.
 */

/** What a timer does when it fires; one shared instance per kind, so timers hold no closures. */
export interface TimerAction {
  fire(timer: Timer): void;
}

export class Timer {
  /** Position in the heap, or -1 once fired or cancelled. */
  index = -1;
  constructor(
    readonly deadline: number,
    readonly seq: number,
    readonly action: TimerAction,
    public target: unknown,
  ) {}
}

function before(a: Timer, b: Timer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

export class TimerHeap {
  private heap: Timer[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): Timer | undefined {
    return this.heap[0];
  }

  push(timer: Timer): void {
    const heap = this.heap;
    timer.index = heap.length;
    heap.push(timer);
    this.up(timer.index);
  }

  pop(): Timer | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop() as Timer;
    if (heap.length > 0) {
      heap[0] = last;
      last.index = 0;
      this.down(0);
    }
    top.index = -1;
    return top;
  }

  remove(timer: Timer): void {
    const i = timer.index;
    if (i < 0) return;
    const heap = this.heap;
    const last = heap.pop() as Timer;
    if (i < heap.length) {
      heap[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    timer.index = -1;
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
