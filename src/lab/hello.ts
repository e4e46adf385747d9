/**
 * `simul hello`: the talk's hello world ("Hello", sleep 3 s, "World!", ten times) in one
 * of its styles. The programs themselves are the runnable examples in examples/hello/,
 * so what the command shows is exactly the code a user reads and copies; this module
 * only picks one, checks the options and reports the elapsed time.
 */
import { helloAsync } from '../../examples/hello/async.js';
import { helloCallback } from '../../examples/hello/callback.js';
import { helloGenerator } from '../../examples/hello/generator.js';
import { helloProcess } from '../../examples/hello/process.js';
import { helloSync } from '../../examples/hello/sync.js';
import { run } from '../core/run.js';
import { helloThread } from '../../examples/hello/thread.js';
import { seconds } from './format.js';
import { parseCount, parseMs, UsageError } from './options.js';

/**
 * The styles of the talk: the blocking program, the three ways simul suspends a function
 * (callbacks, generators, async functions), and the two ways the operating system
 * multitasks (threads, processes).
 */
export const HELLO_STYLES = [
  'sync',
  'callback',
  'generator',
  'async',
  'thread',
  'process',
] as const;
export type HelloStyle = (typeof HELLO_STYLES)[number];

/** The styles that cannot sleep on the virtual clock: the OS schedules them, not simul. */
export const REAL_TIME_STYLES: readonly HelloStyle[] = ['thread', 'process'];

export const HELLO_DEFAULTS = { style: 'async', n: '10', delay: '3000' } as const;

/** What every hello program accepts. */
export interface HelloOptions {
  n: number;
  delayMs: number;
  clock: 'real' | 'virtual';
  print: (line: string) => void;
}

// The concurrent examples are task bodies (their files run them with main()); here each
// runs in a loop of its own, on the clock asked for.
const programs: Record<HelloStyle, (options: HelloOptions) => number | Promise<number>> = {
  sync: helloSync,
  callback: (options) => run(() => helloCallback(options), { clock: options.clock }),
  generator: (options) => run(() => helloGenerator(options), { clock: options.clock }),
  async: (options) => run(() => helloAsync(options), { clock: options.clock }),
  thread: helloThread,
  process: helloProcess,
};

/**
 * Runs one style's program; resolves with the elapsed time in ms on the clock it ran under
 * (always the real clock for threads and processes).
 */
export async function runHello(style: HelloStyle, options: HelloOptions): Promise<number> {
  return programs[style](options);
}

/** The clock a style actually runs under when `clock` is asked for. */
export function helloClock(style: HelloStyle, clock: 'real' | 'virtual'): 'real' | 'virtual' {
  return REAL_TIME_STYLES.includes(style) ? 'real' : clock;
}

/** The options as the command line gives them: strings, checked here. */
export interface HelloArgs {
  style?: string;
  n?: string;
  delay?: string;
  virtual?: boolean;
}

/**
 * `simul hello`: prints the program's lines as they come, then the elapsed time.
 *
 * @example
 * await hello({ style: 'sync', virtual: true }); // ... elapsed: 30.000 s (virtual clock)
 */
export async function hello(args: HelloArgs, print = console.log): Promise<void> {
  const style = args.style ?? HELLO_DEFAULTS.style;
  if (!(HELLO_STYLES as readonly string[]).includes(style)) {
    throw new UsageError(
      `--style must be one of ${HELLO_STYLES.join(', ')}, got ${JSON.stringify(style)}`,
    );
  }
  const n = parseCount('-n', args.n ?? HELLO_DEFAULTS.n, 1);
  const delayMs = parseMs('--delay', args.delay ?? HELLO_DEFAULTS.delay);
  const asked = args.virtual === true ? 'virtual' : 'real';
  const clock = helloClock(style as HelloStyle, asked);
  if (clock !== asked) {
    print(
      `(${style === 'thread' ? 'threads' : 'processes'} cannot sleep on the virtual clock: ` +
        'the operating system runs them, so this runs in real time)',
    );
  }
  const elapsed = await runHello(style as HelloStyle, { n, delayMs, clock, print });
  print(`elapsed: ${seconds(elapsed, 3)} (${clock} clock)`);
}
