/**
 * The crash-loop detector: a sliding window of unexpected worker exits. A worker that keeps
 * dying (a bad deploy, a port already taken, a missing configuration) would otherwise be
 * restarted forever, hiding its error in a scroll of restarts; `exits` of them within
 * `windowMs` stop the cluster instead, with the last error named.
 */
import type { CrashLoopOptions } from './options.js';

export class CrashWindow {
  private readonly times: number[] = [];

  constructor(private readonly limits: Required<CrashLoopOptions>) {}

  /**
   * Records an unexpected exit at `now` (ms); returns how many are in the window now.
   *
   * @example
   * const window = new CrashWindow({ exits: 5, windowMs: 60_000 });
   * window.record(0); // 1
   * window.record(70_000); // 1: the first one has left the window
   */
  record(now: number): number {
    this.times.push(now);
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.limits.windowMs) {
      this.times.shift();
    }
    return this.times.length;
  }

  /** True once the window holds as many exits as make a crash loop. */
  isLoop(recent: number): boolean {
    return recent >= this.limits.exits;
  }
}
