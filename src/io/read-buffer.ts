/**
 * The bytes a stream has received and nobody has read yet: a list of chunks as they arrived,
 * never copied until a read takes them. `take` copies only when a read spans chunks, and
 * `indexOf` finds a separator across chunk boundaries without joining the chunks, so a long
 * line arriving in tiny pieces costs linear time, not quadratic.
 *
 * Kept free of I/O so that the property test (any chunking of a byte stream gives the same
 * reads) can drive it directly as well as through real sockets.
 */

const EMPTY = Buffer.alloc(0);

export class ReadBuffer {
  /** Null while empty: an idle connection keeps no array (memory per connection counts). */
  private chunks: Buffer[] | null = null;
  /** Index of the first unread chunk in `chunks`. */
  private first = 0;
  /** Bytes already taken from the first unread chunk. */
  private offset = 0;
  /** Unread bytes in all. */
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    (this.chunks ??= []).push(chunk);
    this.length += chunk.length;
  }

  /** Removes and returns the first `n` bytes (`n <= length`). */
  take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const chunks = this.chunks as Buffer[];
    const head = chunks[this.first];
    const available = head.length - this.offset;
    if (n <= available) {
      // Within one chunk: a view, no copy.
      const out = head.subarray(this.offset, this.offset + n);
      this.consume(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = (this.chunks as Buffer[])[this.first];
      const from = this.offset;
      const count = Math.min(n - filled, chunk.length - from);
      chunk.copy(out, filled, from, from + count);
      filled += count;
      this.consume(count);
    }
    return out;
  }

  /** Removes and returns everything, up to `max` bytes; a whole first chunk is not copied. */
  takeUpTo(max: number): Buffer {
    const head = (this.chunks as Buffer[])[this.first];
    const available = head.length - this.offset;
    // Hand out the first chunk alone rather than copying several: a read returns what has
    // arrived, not necessarily all of it (as node's own 'data' events do).
    return this.take(Math.min(max, available));
  }

  /**
   * The position (counted from the first unread byte) of the first occurrence of `sep`
   * starting at or after `from`, or -1.
   */
  indexOf(sep: Buffer, from = 0): number {
    const chunks = this.chunks;
    if (chunks === null) return -1;
    const n = chunks.length;
    const L = sep.length;
    let base = -this.offset; // position of chunks[i][0]
    for (let i = this.first; i < n; i++) {
      const chunk = chunks[i];
      const end = base + chunk.length;
      const start = Math.max(i === this.first ? this.offset : 0, from - base);
      if (start < chunk.length) {
        const j = chunk.indexOf(sep, start);
        if (j >= 0) return base + j;
        if (L > 1 && i + 1 < n) {
          // A match that starts in this chunk's tail and runs into the next chunks.
          const tailStart = Math.max(start, chunk.length - (L - 1));
          const window = [chunk.subarray(tailStart)];
          let need = L - 1;
          for (let k = i + 1; k < n && need > 0; k++) {
            const part = chunks[k].subarray(0, need);
            window.push(part);
            need -= part.length;
          }
          const joined = Buffer.concat(window);
          const k = joined.indexOf(sep);
          if (k >= 0 && k < chunk.length - tailStart) return base + tailStart + k;
        }
      }
      base = end;
    }
    return -1;
  }

  private consume(n: number): void {
    this.length -= n;
    this.offset += n;
    const chunks = this.chunks as Buffer[];
    const head = chunks[this.first];
    if (this.offset === head.length) {
      this.offset = 0;
      this.first++;
      if (this.first === chunks.length) {
        this.chunks = null;
        this.first = 0;
      } else if (this.first >= 64 && this.first * 2 >= chunks.length) {
        chunks.splice(0, this.first);
        this.first = 0;
      }
    }
  }
}
