/**
 * `simul tour`, what `npm start` runs: the talk in about a minute. The hello world as a
 * blocking program and as async tasks, at a tenth of the talk's delay in real time (each line
 * stamped with the moment it appeared, so the difference is seen, not just told) and at the
 * talk's own scale on the virtual clock; the chess exhibition; the CPU-bound pitfall; and a
 * quick `simul compare`. Every part is a command of its own, named as it starts.
 */
import { chess } from './chess.js';
import { compare } from './compare.js';
import { seconds } from './format.js';
import { runHello, type HelloStyle } from './hello.js';
import { pitfall } from './pitfall.js';

const N = 10;
const TOUR_DELAY_MS = 300;
const TALK_DELAY_MS = 3000;

/** How a user runs the lab's commands: from an installed package, or from a clone. */
export const RUN_HINT = 'npx simul';

const captions: Partial<Record<HelloStyle, string>> = {
  sync: 'plain blocking code, one hello after the other',
  async: 'async tasks that await sleep()',
};

/** Prints lines with the time they appeared, a run of the same line as one (`Hello ×10`). */
class Timeline {
  private readonly start = performance.now();
  private line: string | null = null;
  private at = 0;
  private count = 0;
  constructor(private readonly print: (line: string) => void) {}

  add(line: string): void {
    if (line === this.line) {
      this.count++;
      return;
    }
    this.flush();
    this.line = line;
    this.at = performance.now() - this.start;
    this.count = 1;
  }

  flush(): void {
    if (this.line === null) return;
    const times = this.count > 1 ? ` ×${this.count}` : '';
    this.print(`  ${seconds(this.at).padStart(7)}  ${this.line}${times}`);
    this.line = null;
  }
}

function heading(print: (line: string) => void, title: string): void {
  print('');
  print(`── ${title} ${'─'.repeat(Math.max(0, 76 - title.length))}`);
}

/** Runs the tour, printing as it goes. Resolves with an exit status (130 if interrupted). */
export async function tour(print: (line: string) => void = console.log): Promise<number> {
  print(`simul tour: "Asynchronous Python for the complete beginner", on Node, in about a minute`);

  heading(print, `1. hello world (${RUN_HINT} hello)`);
  print(
    `Print "Hello", sleep, print "World!", ${N} times; here the sleep is ${seconds(TOUR_DELAY_MS)}.`,
  );
  for (const style of ['sync', 'async'] as const) {
    print(`${style} — ${captions[style]} (examples/hello/${style}.ts)`);
    const timeline = new Timeline(print);
    const options = { n: N, delayMs: TOUR_DELAY_MS, clock: 'real' as const };
    const elapsed = await runHello(style, { ...options, print: (line) => timeline.add(line) });
    timeline.flush();
    print(`  took ${seconds(elapsed)}`);
  }
  const talk = {} as Record<'sync' | 'async', number>;
  for (const style of ['sync', 'async'] as const) {
    const options = { n: N, delayMs: TALK_DELAY_MS, clock: 'virtual' as const };
    talk[style] = await runHello(style, { ...options, print: () => {} });
  }
  print(
    `At the talk's scale (${N} × 3 s) on simul's virtual clock: sequential ` +
      `${seconds(talk.sync, 1)}, async ${seconds(talk.async, 1)}.`,
  );

  heading(print, `2. the chess master (${RUN_HINT} chess)`);
  await chess({}, print);

  heading(print, `3. the pitfall (${RUN_HINT} pitfall)`);
  await pitfall({}, print);

  heading(print, `4. the comparison (${RUN_HINT} compare --quick)`);
  const status = await compare({ quick: true }, print);
  if (status !== 0) return status;

  print('');
  print('Next:');
  print(
    `  ${RUN_HINT} hello --style thread     the other styles: sync, callback, generator, process`,
  );
  print(`  ${RUN_HINT} compare --html report.html   the full comparison, with charts`);
  print('  (from a clone of the repository: npm run simul -- hello --style thread)');
  return 0;
}
