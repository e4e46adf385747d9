/**
 * What `simul compare` measures, and how much of it: the quick run (under a minute, for the
 * tour and the tests) and the full run (bounded by the memory budget and the time limit).
 */
export interface Plan {
  mode: 'quick' | 'full';
  startSamples: { process: number; thread: number; task: number };
  memoryUnits: { process: number; thread: number; task: number };
  /** Fill the budget for real (full) or extrapolate from memoryUnits (quick). */
  fill: boolean;
  fillDeadlineMs: number;
  /** At most this many units while filling or serving, whatever the budget. */
  caps: { process: number; thread: number; task: number };
  cpuTargetMs: number;
  cpuRepeats: number;
  helloN: number;
  helloDelayMs: number;
  echoLevels: number[];
  echoDurationMs: number;
  timeLimitMs: number;
}

export const QUICK: Plan = {
  mode: 'quick',
  startSamples: { process: 3, thread: 3, task: 3 },
  memoryUnits: { process: 4, thread: 8, task: 20_000 },
  fill: false,
  fillDeadlineMs: 0,
  caps: { process: 12, thread: 24, task: 1_000_000 },
  cpuTargetMs: 300,
  cpuRepeats: 2,
  helloN: 10,
  helloDelayMs: 1000,
  echoLevels: [1, 10, 100],
  echoDurationMs: 700,
  timeLimitMs: 120_000,
};

export const FULL: Plan = {
  mode: 'full',
  startSamples: { process: 11, thread: 11, task: 7 },
  memoryUnits: { process: 8, thread: 32, task: 100_000 },
  fill: true,
  fillDeadlineMs: 60_000,
  caps: { process: 256, thread: 1024, task: 20_000_000 },
  cpuTargetMs: 1500,
  cpuRepeats: 3,
  helloN: 10,
  helloDelayMs: 3000,
  echoLevels: [1, 10, 100, 1000, 5000],
  echoDurationMs: 3000,
  timeLimitMs: 600_000,
};
