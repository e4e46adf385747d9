/**
 * `main(body, options)`: the entry point of a program, as Effection's `main`. It is `run`
 * with `handleSignals` (Ctrl-C cancels the root task, so every `finally` block runs), plus
 * what a program owes the shell that started it: an uncaught error printed once, readably,
 * and an exit status (0, 1, or 130/143 after SIGINT/SIGTERM).
 *
 * The status goes to `process.exitCode`, and the process ends on its own once the loop is
 * done. Effection calls `process.exit()` instead, which ends the process before pending
 * writes have drained: stdout is asynchronous when it is a pipe (on Linux and macOS), so a
 * program piped into another loses the end of its output (all but the first 64 KB of a
 * 1 MB write, on Linux). A host handle the program left open (a server made without simul)
 * keeps the process alive, as in any Node program; the loop's signal handlers are gone by
 * then, so Ctrl-C ends it.
 */
import { inspect } from 'node:util';
import { checkBody } from './body.js';
import { formatError } from './error-report.js';
import { CancelledError } from './errors.js';
import { startRun, type RunOptions } from './run.js';
import { checkKeys, checkObject, optionKeys } from './validate.js';

/** The options of `main`: those of `run`, except `handleSignals`, which main always sets. */
export type MainOptions = Omit<RunOptions, 'handleSignals'>;

const MAIN_KEYS = optionKeys<MainOptions>({
  clock: true,
  schedule: true,
  debug: true,
  onWarning: true,
  instruments: true,
  name: true,
  maxSteps: true,
});

/** The status a shell reports for a process ended by a signal: 128 + its number. */
const SIGNAL_STATUS = new Map<unknown, number>([
  ['SIGINT', 130],
  ['SIGTERM', 143],
]);

/**
 * Runs `body` as the program: `run(body, { ...options, handleSignals: true })`, then sets
 * the exit status. When `body` and its tasks succeed, the status is left as it is (0, unless
 * the program set `process.exitCode`); when they fail, it is 1, after the error is printed
 * to stderr (its name, message and the program's own stack frames; every error of a
 * `TaskGroupError`); when SIGINT or SIGTERM cancelled the root task, it is 130 or 143 (a
 * second signal exits at once). A body that catches the `CancelledError` and returns
 * normally has handled the signal itself, and succeeds. Resolves once the program is done;
 * never rejects, since the error has been reported.
 *
 * @example
 * import { main, sleep } from 'simul';
 *
 * await main(async () => {
 *   try {
 *     for (;;) {
 *       console.log('working');
 *       await sleep(1000);
 *     }
 *   } finally {
 *     console.log('stopped'); // on Ctrl-C, before the process exits with status 130
 *   }
 * });
 */
export function main<B extends () => unknown>(body: B, options: MainOptions = {}): Promise<void> {
  checkBody('main(body)', 'body', body);
  checkObject('main(body, options)', 'options', options);
  if ('handleSignals' in options) {
    throw new TypeError(
      'main(body, options): options.handleSignals cannot be set: main always handles ' +
        'SIGINT and SIGTERM (use run() to choose)',
    );
  }
  checkKeys('main(body, options)', 'options', options, MAIN_KEYS);
  return startRun('main', 'body', body, { ...options, handleSignals: true }).then(
    () => undefined,
    (error: unknown) => {
      const signalled = error instanceof CancelledError && SIGNAL_STATUS.get(error.reason);
      if (signalled) {
        process.exitCode = signalled;
        return;
      }
      process.exitCode = 1;
      process.stderr.write(`${report(error)}\n`);
    },
  );
}

function report(error: unknown): string {
  try {
    return formatError(error);
  } catch {
    // An error object whose getters throw: still say something rather than lose it.
    return `Uncaught ${inspect(error)}`;
  }
}
