/**
 * The loop's clock. `real` reads the monotonic clock (ms since the loop started);
 * `virtual` starts at 0 and only moves when the loop jumps it to the next deadline
 * because nothing else can happen (Trio's autojump clock), so time-based code is tested
 * in microseconds of real time, identically on every run.
 */
export type ClockName = 'real' | 'virtual';

export interface Clock {
  readonly virtual: boolean;
  now(): number;
  /** Virtual clocks only: move time forward to `time`. */
  advanceTo(time: number): void;
}

export class RealClock implements Clock {
  readonly virtual = false;
  private readonly origin = performance.now();
  now(): number {
    return performance.now() - this.origin;
  }
  advanceTo(): void {
    throw new Error('a real clock cannot be advanced');
  }
}

export class VirtualClock implements Clock {
  readonly virtual = true;
  private time = 0;
  now(): number {
    return this.time;
  }
  advanceTo(time: number): void {
    if (time > this.time) this.time = time;
  }
}

/** A clock reading for dumps and messages: `3000ms`, or `12.345ms` under the real clock. */
export function formatMs(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(3)}ms`;
}
