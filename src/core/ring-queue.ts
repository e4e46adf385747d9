/**
 * A growable ring buffer: O(1) push and shift with no per-item allocation. The ready queue
 * and the wait-queues are on the hot path, and `Array.prototype.shift` is O(n) once an
 * array leaves V8's fast mode (Effection's queue spent seconds in `unshift` for this reason).
 */
const MIN_CAPACITY = 16;
const SHRINK_ABOVE = 4096;

export class RingQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private mask: number;
  length = 0;

  constructor(capacityPowerOfTwo = MIN_CAPACITY) {
    this.items = new Array(capacityPowerOfTwo);
    this.mask = capacityPowerOfTwo - 1;
  }

  push(item: T): void {
    if (this.length > this.mask) this.grow();
    this.items[(this.head + this.length) & this.mask] = item;
    this.length++;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    if (--this.length === 0 && this.mask >= SHRINK_ABOVE) {
      // A burst (a million spawns) grew the buffer; do not keep megabytes for an idle queue.
      this.items = new Array(MIN_CAPACITY);
      this.mask = MIN_CAPACITY - 1;
      this.head = 0;
    }
    return item;
  }

  private grow(): void {
    const old = this.items;
    const size = old.length;
    const next = new Array<T | undefined>(size * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.items = next;
    this.head = 0;
    this.mask = size * 2 - 1;
  }
}
