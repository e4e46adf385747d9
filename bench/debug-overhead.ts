/**
 * What debug mode costs: spawn + join and switches (yieldNow ping-pong), both task styles,
 * with `debug` off and on (warnings to a no-op), in one process, the two settings
 * alternating round by round so that a drift of the machine's load falls on both. Prints
 * ns per operation (median of the rounds) and the on/off ratio.
 *
 *   npm run build && node dist/bench/debug-overhead.js [rounds=7]
 */
import { run, spawn, yieldNow, type RunOptions } from '../src/index.js';

const N = 20_000;
/** Switches are short: more of them, so that one timed run is not a few milliseconds. */
const SWITCHES = 200_000;
const ROUNDS = Number(process.argv[2] ?? 7);

type Scenario = (options: RunOptions) => Promise<unknown>;

const scenarios: Record<string, Scenario> = {
  'spawn + join, generator': (options) =>
    run(function* () {
      for (let i = 0; i < N; i++) yield* spawn(function* () {});
    }, options),
  'spawn + join, async': (options) =>
    run(async () => {
      for (let i = 0; i < N; i++) await spawn(async () => {});
    }, options),
  'switch, generator': (options) =>
    run(function* () {
      const player = function* () {
        for (let i = 0; i < SWITCHES / 2; i++) yield* yieldNow();
      };
      spawn(player);
      spawn(player);
    }, options),
  'switch, async': (options) =>
    run(async () => {
      const player = async () => {
        for (let i = 0; i < SWITCHES / 2; i++) await yieldNow();
      };
      spawn(player);
      spawn(player);
    }, options),
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off: RunOptions = {};
const on: RunOptions = { debug: true, onWarning: () => {} };

console.log('| measurement | debug off (ns/op) | debug on (ns/op) | on/off |');
console.log('| --- | --- | --- | --- |');
for (const [name, scenario] of Object.entries(scenarios)) {
  await scenario(off); // warm up both
  await scenario(on);
  const times = { off: [] as number[], on: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const setting of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const start = performance.now();
      await scenario(setting === 'off' ? off : on);
      const ops = name.startsWith('switch') ? SWITCHES : N;
      times[setting].push(((performance.now() - start) * 1e6) / ops);
    }
  }
  const a = median(times.off);
  const b = median(times.on);
  console.log(`| ${name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(b / a).toFixed(2)}x |`);
}
