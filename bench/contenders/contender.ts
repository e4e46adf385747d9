/**
 * One scenario set, written once per contender in that contender's own idiom, so that the
 * workers (bench/worker.ts) can time them side by side. Each function does `n` operations
 * in one call, so that per-call overhead (a run's set-up) is amortised unless it is the
 * thing measured (`runs`).
 */
export interface Contender {
  /** Inside one run: `n` times, start a trivial child task and wait for its result. */
  spawnJoin(n: number): Promise<void>;
  /** `n` whole runs (the library's entry point) of one trivial task. */
  runs(n: number): Promise<void>;
  /**
   * Two tasks that hand the CPU to each other `n` times in all (n / 2 each); `mark(id)` is
   * called before every switch (a no-op when timed, a recorder when checking that the two
   * really alternate).
   */
  pingPong(n: number, mark: (id: number) => void): Promise<void>;
  /** `n` concurrent tasks each sleeping `ms`; resolves when all are done. */
  sleepers(n: number, ms: number): Promise<void>;
  /**
   * Starts `n` tasks that each sleep for an hour and calls `parked()` once all are asleep
   * (`parked` measures and exits the process; nothing ever wakes the sleepers).
   */
  parkSleepers(n: number, parked: () => void): Promise<void>;
}

/** A sleep that never ends within a benchmark. */
export const HOUR_MS = 3_600_000;
