/**
 * `simul tour`, what `npm start` runs: the talk's first point in a few seconds. Every
 * hello world style runs in real time at a tenth of the talk's delay, each line stamped
 * with the moment it appeared, so the difference is seen, not just told; then every style
 * runs again at the talk's own scale under the virtual clock, which measures 30 s against
 * 3 s without waiting for them. More of the lab joins the tour as it is built.
 */
import { seconds } from './format.js';
import { HELLO_STYLES, runHello, type HelloStyle } from './hello.js';

const N = 10;
const TOUR_DELAY_MS = 300;
const TALK_DELAY_MS = 3000;

const captions: Record<HelloStyle, string> = {
  sync: 'plain blocking code, one hello after the other',
  thread: 'the blocking program in ten threads',
  process: 'the blocking program in ten processes',
  callback: 'callSoon and callLater: no function ever waits',
  generator: 'generator tasks that yield* sleep()',
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

/** Runs the tour, printing as it goes. */
export async function tour(print: (line: string) => void = console.log): Promise<void> {
  print(`simul tour: the hello world of "Asynchronous Python for the complete beginner"`);
  print(`Each program prints "Hello", sleeps, then prints "World!", ${N} times.`);
  print(`Here the sleep is ${seconds(TOUR_DELAY_MS)}, a tenth of the talk's 3 s.`);
  for (const style of HELLO_STYLES) {
    print('');
    print(`${style} — ${captions[style]} (examples/hello/${style}.ts)`);
    const timeline = new Timeline(print);
    const options = { n: N, delayMs: TOUR_DELAY_MS, clock: 'real' as const };
    const elapsed = await runHello(style, { ...options, print: (line) => timeline.add(line) });
    timeline.flush();
    print(`  took ${seconds(elapsed)}`);
  }

  const talk = {} as Record<HelloStyle, number>;
  for (const style of HELLO_STYLES) {
    const options = { n: N, delayMs: TALK_DELAY_MS, clock: 'virtual' as const };
    talk[style] = await runHello(style, { ...options, print: () => {} });
  }
  const concurrent = HELLO_STYLES.filter((style) => style !== 'sync')
    .map((style) => `${style} ${seconds(talk[style], 1)}`)
    .join(', ');
  print('');
  print(`At the talk's scale (${N} × 3 s), measured on simul's virtual clock:`);
  print(`  sequential ${seconds(talk.sync, 1)}; concurrent ${concurrent}.`);
  print('One thread in every case: like a chess master playing a simul, the loop is');
  print('no faster than the blocking program, it just never waits.');
  print('');
  print("Try one at the talk's scale: simul hello --style generator (3 s)");
  print('or: simul hello --style sync --virtual (30 s of virtual time, at once)');
}
