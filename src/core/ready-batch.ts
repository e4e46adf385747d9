/**
 * The batch of ready continuations a schedule policy chooses from, in the order they became
 * ready. A choice is a *rank* among those still waiting: 0 is always the oldest, which is what
 * FIFO takes, so a recorded choice keeps its meaning ("the third oldest") and a trace can be
 * shrunk towards FIFO by turning choices into zeros.
 *
 * Taking the k-th remaining item must stay cheap for a large batch under the random policy
 * (100,000 tasks released at once), so the remaining items are counted in a Fenwick tree:
 * finding and removing the k-th is O(log n), the whole batch O(n log n).
 */
export class ReadyBatch<T> {
  /** What a policy chooses among here (see Candidates). */
  readonly kind = 'ready';
  private items: (T | undefined)[] = [];
  /** Fenwick tree (1-based) over "still in the batch" flags. */
  private tree = new Int32Array(1);
  private highBit = 0;
  /** How many items are still in the batch. */
  length = 0;

  /** Starts a batch of `n` items taken in order from `next`. */
  fill(n: number, next: () => T): void {
    const items = this.items;
    items.length = n;
    for (let i = 0; i < n; i++) items[i] = next();
    if (this.tree.length < n + 1) this.tree = new Int32Array(Math.max(n + 1, this.tree.length * 2));
    const tree = this.tree;
    // Every flag is 1: node i covers lowbit(i) items.
    for (let i = 1; i <= n; i++) tree[i] = i & -i;
    this.highBit = n === 0 ? 0 : 1 << (31 - Math.clz32(n));
    this.length = n;
  }

  /** The position of the item of rank `rank` (0-based among those still in the batch). */
  private positionOf(rank: number): number {
    const tree = this.tree;
    const n = this.items.length;
    let pos = 0;
    let left = rank + 1;
    for (let step = this.highBit; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= n && tree[next] < left) {
        pos = next;
        left -= tree[next];
      }
    }
    return pos; // 0-based index of the item (1-based node pos + 1)
  }

  /** The item of rank `rank`, left in the batch. */
  at(rank: number): T {
    return this.items[this.positionOf(rank)] as T;
  }

  /** Removes and returns the item of rank `rank`. */
  take(rank: number): T {
    const index = this.positionOf(rank);
    const item = this.items[index] as T;
    this.items[index] = undefined;
    const tree = this.tree;
    const n = this.items.length;
    for (let i = index + 1; i <= n; i += i & -i) tree[i]--;
    if (--this.length === 0) this.items.length = 0;
    return item;
  }
}
