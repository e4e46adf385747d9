/**
 * A pipeline of generator tasks joined by rendezvous channels: numbers → squares →
 * printer. `yield* ch.next()` and `yield* ch.forEach(...)` are the generator tasks' `for
 * await`, and closing each channel ends the next stage.
 *
 * Run it: `node dist/examples/sync/channel.js`.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Channel, main, spawn } from 'simul';

// example:start
export function* channelExample(print = console.log) {
  const numbers = new Channel<number>(); // capacity 0: a rendezvous
  const squares = new Channel<number>();

  spawn(function* produce() {
    for (let n = 1; n <= 4; n++) yield* numbers.send(n);
    numbers.close();
  });

  spawn(function* square() {
    for (;;) {
      const next = yield* numbers.next();
      if (next.done) break;
      yield* squares.send(next.value * next.value);
    }
    squares.close();
  });

  yield* squares.forEach((sq) => print(`square: ${sq}`));
  print('done');
}
// example:end

// The program, on the virtual clock: the sleeps take no real time, and the output is the
// same on every run. (The check is only there because the tests import this file.)
if (isProgram()) await main(() => channelExample(), { clock: 'virtual' });

/** Whether node was started with this file (`node channel.js`) rather than importing it. */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
