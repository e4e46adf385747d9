/**
 * `simul pitfall`: the talk's first pitfall, measured. One task runs a CPU-bound step while
 * another waits on a short timer. How late does the timer fire?
 *
 * - plainly: the step holds the loop's only thread, so the timer fires when it is done;
 * - with `yieldNow()` between slices of the step (the talk's `asyncio.sleep(0)`): the loop
 *   gets the thread back after every slice, so the timer is late by a slice at most;
 * - with `toThread`: the step runs on another thread, and the loop stays free.
 *
 * The plain run also has `debug: true`, and the slow-step warning it triggers (naming the
 * task and the step's length) is printed as the loop reported it.
 */
import { run, sleep, spawn, toThread, yieldNow, type Warning } from '../index.js';
import { burn } from './burn-job.js';
import { parseMs, parsePositive } from './options.js';

export const PITFALL_DEFAULTS = { stepMs: '500', timerMs: '10', sliceMs: '5' } as const;

const job = { module: new URL('./burn-job.js', import.meta.url), export: 'burn' };

export type PitfallWay = 'plain' | 'yieldNow' | 'toThread';

export interface PitfallResult {
  way: PitfallWay;
  /** How much later than asked the timer fired, in ms. */
  lateMs: number;
  /** The slow-step warnings the loop reported during the run. */
  warnings: Warning[];
}

export interface PitfallOptions {
  stepMs: number;
  timerMs: number;
  sliceMs: number;
}

/** Runs the step one way beside the timer; measures the timer's lateness. */
export async function measure(way: PitfallWay, options: PitfallOptions): Promise<PitfallResult> {
  const { stepMs, timerMs, sliceMs } = options;
  const warnings: Warning[] = [];
  const steps: Record<PitfallWay, () => Generator<unknown, void>> = {
    // A generator task: its step is one uninterrupted stretch of CPU work.
    *plain() {
      burn(stepMs);
    },
    *yieldNow() {
      const end = performance.now() + stepMs;
      while (performance.now() < end) {
        burn(Math.min(sliceMs, end - performance.now()));
        yield* yieldNow();
      }
    },
    *toThread() {
      yield* toThread(job, stepMs);
    },
  };
  const lateMs = await run(
    function* () {
      let late = NaN;
      const timer = spawn(
        function* () {
          const start = performance.now();
          yield* sleep(timerMs);
          late = performance.now() - start - timerMs;
        },
        { name: 'timer' },
      );
      yield* yieldNow(); // the timer is armed before the step starts
      yield* spawn(steps[way], { name: 'cpu-bound step' });
      yield* timer;
      return late;
    },
    { debug: true, onWarning: (w) => warnings.push(w) },
  );
  return { way, lateMs, warnings };
}

export interface PitfallArgs {
  stepMs?: string;
  timerMs?: string;
  sliceMs?: string;
}

export function parsePitfallArgs(args: PitfallArgs): PitfallOptions {
  return {
    stepMs: parseMs('--step-ms', args.stepMs ?? PITFALL_DEFAULTS.stepMs),
    timerMs: parseMs('--timer-ms', args.timerMs ?? PITFALL_DEFAULTS.timerMs),
    sliceMs: parsePositive('--slice-ms', args.sliceMs ?? PITFALL_DEFAULTS.sliceMs),
  };
}

/**
 * `simul pitfall`: prints the timer's lateness each way, then the slow-step warning.
 *
 * @example
 * await pitfall({}); // plain: late by ~490 ms; yieldNow: ~5 ms; toThread: ~1 ms
 */
export async function pitfall(args: PitfallArgs, print = console.log): Promise<PitfallResult[]> {
  const options = parsePitfallArgs(args);
  const { stepMs, timerMs, sliceMs } = options;
  // The thread pool starts on first use: start it before measuring, as a server would.
  await run(() => toThread(job, 0));
  print(
    `simul pitfall: a task waits on a ${timerMs} ms timer while another runs a ` +
      `${stepMs} ms CPU-bound step. How late does the timer fire?`,
  );
  const captions: Record<PitfallWay, string> = {
    plain: 'plain: the step holds the loop',
    yieldNow: `yieldNow() every ${sliceMs} ms`,
    toThread: 'toThread(step): on another thread',
  };
  const results: PitfallResult[] = [];
  for (const way of ['plain', 'yieldNow', 'toThread'] as const) {
    const result = await measure(way, options);
    results.push(result);
    print(`  ${captions[way].padEnd(36)} timer late by ${result.lateMs.toFixed(1).padStart(6)} ms`);
  }
  print('');
  print('The plain step ran with run(main, { debug: true }), and the loop said:');
  const warning = results[0]?.warnings[0];
  print(
    warning === undefined
      ? '  (no warning: the step was shorter than slowStepMs, 100 ms)'
      : `  simul warning: ${warning.message}`,
  );
  print('');
  print(
    'An event loop is cooperative: a task that computes without waiting holds up every other ' +
      'task. Release the CPU with yieldNow() (the talk’s sleep(0)), or move the work off the ' +
      'loop with toThread / toProcess.',
  );
  return results;
}
