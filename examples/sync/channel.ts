/**
 * A pipeline of generator tasks joined by rendezvous channels: numbers → squares →
 * printer. `yield* ch.next()` and `yield* ch.forEach(...)` are the generator tasks' `for
 * await`, and closing each channel ends the next stage.
 *
 * Run it: `node dist/examples/sync/channel.js`.
 */
import { Channel, run, spawn } from 'simul';
import { isMain } from '../is-main.js';

// example:start
export async function channelExample(print = console.log): Promise<void> {
  await run(
    function* () {
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
    },
    { clock: 'virtual' },
  );
}
// example:end

if (isMain(import.meta.url)) await channelExample();
