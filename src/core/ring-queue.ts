/**
 * A growable ring buffer: O(1) push and shift with no per-item allocation. The ready queue
 * and the wait-queues are on the hot path, and `Array.prototype.shift` is O(n) once an
 * array leaves V8's fast mode (Effection's queue spent seconds in `unshift` for this reason).
 */
export class RingQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private mask: number;
  length = 0;

  constructor(capacityPowerOfTwo = 16) {
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
    this.length--;
    return item;
  }

  peek(): T | undefined {
    return this.length === 0 ? undefined : this.items[this.head];
  }

  /** The i-th item from the front (0 is the next to be shifted). */
  at(i: number): T | undefined {
    return i < this.length ? this.items[(this.head + i) & this.mask] : undefined;
  }

  /** Removes the i-th item from the front, keeping the order of the others. O(n). */
  removeAt(i: number): T | undefined {
    if (i >= this.length) return undefined;
    const item = this.at(i);
    for (let j = i; j < this.length - 1; j++) {
      this.items[(this.head + j) & this.mask] = this.items[(this.head + j + 1) & this.mask];
    }
    this.items[(this.head + this.length - 1) & this.mask] = undefined;
    this.length--;
    return item;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.length; i++) yield this.items[(this.head + i) & this.mask] as T;
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
