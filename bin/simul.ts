#!/usr/bin/env node
/**
 * The `simul` command: argument parsing only. Each command's work lives in src/lab/, one
 * file per command; this file declares the commands and options, hands the parsed values
 * over, and turns mistakes into a message and an exit status (2 for usage errors, 1 for
 * anything else).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { chess, CHESS_DEFAULTS } from '../src/lab/chess.js';
import { compare, COMPARE_DEFAULTS } from '../src/lab/compare.js';
import { hello, HELLO_DEFAULTS, HELLO_STYLES } from '../src/lab/hello.js';
import { UsageError } from '../src/lab/options.js';
import { pitfall, PITFALL_DEFAULTS } from '../src/lab/pitfall.js';
import { tour } from '../src/lab/tour.js';
import { serve } from '../src/lab/serve.js';

const USAGE_ERROR = 2;

// `simul chess | head`: a reader that stops reading is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string };

const program = new Command('simul')
  .description(
    'The lab of simul, an async runtime for Node.js: the points of the talk\n' +
      '"Asynchronous Python for the complete beginner", run and measured.',
  )
  .version(version)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

/** An option whose value commander hands over as typed; the lab checks it. */
function valued(flags: string, description: string, byDefault: string): Option {
  return new Option(flags, description).default(byDefault, byDefault);
}

program
  .command('hello')
  .description('the talk\'s hello world: "Hello", sleep, "World!", n times, in one style')
  .addOption(
    new Option('--style <style>', 'how the program is written')
      .choices(HELLO_STYLES)
      .default(HELLO_DEFAULTS.style),
  )
  .addOption(
    new Option('-n, --count <n>', 'how many hello worlds').default(
      HELLO_DEFAULTS.n,
      HELLO_DEFAULTS.n,
    ),
  )
  .addOption(
    new Option('--delay <ms>', 'the sleep between "Hello" and "World!", in ms').default(
      HELLO_DEFAULTS.delay,
      HELLO_DEFAULTS.delay,
    ),
  )
  .option(
    '--virtual',
    "use the virtual clock: sleeps take no real time; the time printed is the clock's",
  )
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  simul hello                           ten async tasks: 3 s\n' +
      '  simul hello --style sync              one after the other: 30 s\n' +
      '  simul hello --style sync --virtual    the same 30 s of virtual time, at once\n' +
      '  simul hello --style thread            ten threads, each blocking 3 s: 3 s\n' +
      '  simul hello --style process           ten processes: 3 s, plus starting ten Nodes',
  )
  .action((options: { style: string; count: string; delay: string; virtual?: boolean }) =>
    hello({
      style: options.style,
      n: options.count,
      delay: options.delay,
      virtual: options.virtual,
    }),
  );

program
  .command('chess')
  .description(
    'the simultaneous exhibition on the virtual clock: one board after the other (12 h) ' +
      'against all at once (1 h)',
  )
  .addOption(valued('--boards <n>', 'how many opponents', CHESS_DEFAULTS.boards))
  .addOption(valued('--moves <n>', 'move pairs in a game', CHESS_DEFAULTS.moves))
  .addOption(valued('--master-ms <ms>', "the master's time for a move", CHESS_DEFAULTS.masterMs))
  .addOption(
    valued('--opponent-ms <ms>', "an opponent's time for a move", CHESS_DEFAULTS.opponentMs),
  )
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  simul chess                          the talk: 12 h against about 1 h\n' +
      '  simul chess --opponent-ms 240000     slow opponents: the master starts to wait',
  )
  .action((options: { boards: string; moves: string; masterMs: string; opponentMs: string }) =>
    chess(options),
  );

program
  .command('pitfall')
  .description(
    "a timer's lateness beside a CPU-bound step: plain, with yieldNow(), with toThread()",
  )
  .addOption(valued('--step-ms <ms>', 'the CPU-bound step', PITFALL_DEFAULTS.stepMs))
  .addOption(valued('--timer-ms <ms>', 'the timer another task waits on', PITFALL_DEFAULTS.timerMs))
  .addOption(
    valued('--slice-ms <ms>', 'the work between two yieldNow() calls', PITFALL_DEFAULTS.sliceMs),
  )
  .action(async (options: { stepMs: string; timerMs: string; sliceMs: string }) => {
    await pitfall(options);
  });

program
  .command('compare')
  .description(
    'processes, threads and simul tasks measured on this machine: start-up, memory, how ' +
      "many fit, cores, hello world, an echo server; the talk's table with verdicts",
  )
  .option('--quick', 'a smaller run, under a minute')
  .addOption(
    valued('--budget-mb <mb>', 'the memory budget units must fit in', COMPARE_DEFAULTS.budgetMb),
  )
  .option('--time-limit <s>', 'stop measuring after this many seconds (default: 120 quick, 600)')
  .option('--html <file>', 'write the HTML report with charts to this file')
  .option('--json <file>', 'write every number as JSON to this file (schema: docs/lab.md)')
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  simul compare --quick                      under a minute\n' +
      '  simul compare --html report.html           the full run, bounded by budget and time\n' +
      '  simul compare --budget-mb 4096 --json r.json',
  )
  .action(
    async (options: {
      quick?: boolean;
      budgetMb: string;
      timeLimit?: string;
      html?: string;
      json?: string;
    }) => {
      process.exitCode = await compare(options);
    },
  );

program
  .command('serve')
  .description(
    'run an app module (exporting its main function) in a cluster: one worker process per ' +
      'core sharing its ports, restarted when they crash, drained on SIGTERM, rolled on SIGHUP',
  )
  .argument('<module>', 'the app module: exports main (or a default export)')
  .option('--workers <n>', 'how many worker processes (default: one per core)')
  .option('--grace-ms <ms>', 'how long requests may finish after SIGTERM (default: 10000)')
  .option(
    '--reuse-port',
    'each worker binds the port itself with SO_REUSEPORT (Linux, node >= 22.12)',
  )
  .addHelpText(
    'after',
    '\nExamples:\n' +
      '  simul serve dist/examples/cluster/app.js --workers 2\n' +
      '  kill -TERM <primary pid>     drain: finish the requests in flight, then exit 0\n' +
      '  kill -HUP <primary pid>      rolling restart, one worker at a time',
  )
  .action(
    async (
      module: string,
      options: { workers?: string; graceMs?: string; reusePort?: boolean },
    ) => {
      await serve(module, options);
    },
  );

program
  .command('tour')
  .description('hello, chess, pitfall and a quick compare in about a minute: what `npm start` runs')
  .action(async () => {
    process.exitCode = await tour();
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed the message (or the help) already.
    process.exitCode = error.exitCode === 0 ? 0 : USAGE_ERROR;
  } else if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    console.error('(run with --help for usage)');
    process.exitCode = USAGE_ERROR;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
