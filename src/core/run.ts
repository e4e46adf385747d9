/**
 * `run(main, options)`: creates a loop, runs `main` as the root task and settles with its
 * result or error once the root and all of its descendants have finished.
 */
import { RealClock, VirtualClock } from './clock.js';
import { currentContext } from './context.js';
import { InvalidStateError } from './errors.js';
import { InstrumentMonitor, type Instrument } from './instrument.js';
import { getActiveLoop, Loop } from './loop.js';
import { createPolicy, type ScheduleOptions } from './schedule.js';
import { checkBody } from './body.js';
import { startTask, type BodyValue, type Task } from './task.js';
import { dumpTree, waitForCycle } from './dump.js';
import { checkInteger, checkKeys, checkObject, checkOneOf, optionKeys, show } from './validate.js';
import { DebugMonitor, type DebugOptions, type Warning } from './debug-options.js';

export interface RunOptions {
  /** 'real' (default) or 'virtual': time jumps to the next deadline when nothing is ready. */
  clock?: 'real' | 'virtual';
  /** Which ready task runs next: 'fifo' (default), 'random' or 'pct', with a seed. */
  schedule?: ScheduleOptions;
  /** Slow and stuck steps, blocking calls, forgotten awaits... (see DebugOptions). */
  debug?: boolean | DebugOptions;
  /** Where debug warnings go (default: stderr). */
  onWarning?: (warning: Warning) => void;
  /** Hooks for tracing and metrics. */
  instruments?: Instrument[];
  /** SIGINT/SIGTERM cancel the root task gracefully; a second signal exits at once. */
  handleSignals?: boolean;
  /** The root task's name (default: main's function name, or 'main'). */
  name?: string;
  /** Fail the run with StepLimitError after this many task steps (default: no limit). */
  maxSteps?: number;
}

const RUN_KEYS = optionKeys<RunOptions>({
  clock: true,
  schedule: true,
  debug: true,
  onWarning: true,
  instruments: true,
  handleSignals: true,
  name: true,
  maxSteps: true,
});

/**
 * Runs `main` as the root task of a new loop.
 *
 * @example
 * const result = await run(async () => {
 *   await sleep(1000);
 *   return 'done';
 * }, { clock: 'virtual' }); // returns at once; now() read 1000 inside
 */
export function run<B extends () => unknown>(
  main: B,
  options: RunOptions = {},
): Promise<BodyValue<ReturnType<B>>> {
  return startRun('run', 'main', main, options);
}

/**
 * @internal `run` on behalf of the public function the user called (`main`), so that every
 * message names that function and its argument: `main(body): body must be a function`.
 */
export function startRun<B extends () => unknown>(
  fn: string,
  bodyName: string,
  main: B,
  options: RunOptions,
): Promise<BodyValue<ReturnType<B>>> {
  if (currentContext() !== undefined || getActiveLoop() !== null) {
    throw new InvalidStateError(
      `${fn}() cannot be called inside a running task: spawn a child task, or use taskGroup()`,
    );
  }
  checkBody(`${fn}(${bodyName})`, bodyName, main);
  checkObject(`${fn}(${bodyName}, options)`, 'options', options);
  checkKeys(`${fn}(${bodyName}, options)`, 'options', options, RUN_KEYS);
  const clock = checkOneOf(fn, 'options.clock', options.clock ?? 'real', [
    'real',
    'virtual',
  ] as const);
  const instruments = options.instruments ?? [];
  if (!Array.isArray(instruments) || instruments.some((i) => i === null || typeof i !== 'object')) {
    throw new TypeError(
      `${fn}: options.instruments must be an array of instrument objects, got ${show(instruments)}`,
    );
  }
  if (options.handleSignals !== undefined && typeof options.handleSignals !== 'boolean') {
    throw new TypeError(
      `${fn}: options.handleSignals must be a boolean, got ${show(options.handleSignals)}`,
    );
  }
  if (options.name !== undefined && typeof options.name !== 'string') {
    throw new TypeError(`${fn}: options.name must be a string, got ${show(options.name)}`);
  }
  const maxSteps =
    options.maxSteps === undefined
      ? Infinity
      : checkInteger(fn, 'options.maxSteps', options.maxSteps, 1);
  const debug = DebugMonitor.create(fn, options.debug, options.onWarning);
  // Debug mode alone watches the steps directly, not through the instruments' dispatch.
  const monitor =
    instruments.length === 0
      ? debug
      : new InstrumentMonitor(debug === null ? instruments : [...instruments, debug]);
  let root: Task | null = null;
  const loop: Loop = new Loop({
    clock: clock === 'virtual' ? new VirtualClock() : new RealClock(),
    policy: createPolicy(fn, options.schedule),
    monitor,
    debug,
    handleSignals: options.handleSignals ?? false,
    describe: (): string => {
      const dump = dumpTree(root as Task, loop.now(), debug);
      const cycle = waitForCycle(root as Task);
      return cycle === null ? dump : `${dump}\nwait-for cycle: ${cycle}`;
    },
    maxSteps,
  });
  if (monitor instanceof InstrumentMonitor) monitor.loop = loop;
  const settled = loop.start<BodyValue<ReturnType<B>>>(() => root as Task);
  root = startTask(loop, main, options.name ?? (main.name || 'main'), null, null, null);
  if (debug !== null) {
    const detach = debug.attach(loop, () => root as Task);
    // The run settles after its debug tooling has stopped and reported (the operations
    // never waited on), so a caller never sees warnings arrive after `run` returned.
    return settled.then(
      (value) => {
        detach();
        return value;
      },
      (error: unknown) => {
        detach();
        throw error;
      },
    );
  }
  return settled;
}
