// The parking lot on its own, with stand-in continuations: the rules every primitive
// inherits (FIFO, O(1) removal, a wake-up is never lost or misdelivered) tested once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Continuation, park, wake, Thrown, type Waitable } from '../../src/core/continuation.js';
import type { ScopeLike } from '../../src/core/scope.js';
import type { Task } from '../../src/core/task.js';
import { ParkingLot } from '../../src/index.js';

class StandIn extends Continuation {
  task!: Task;
  scope = null as unknown as ScopeLike;
  run(): void {}
}

const woken: Continuation[] = [];
const loop = { enqueue: (k: Continuation) => woken.push(k) };
const op: Waitable = {
  cancellable: true,
  start: () => undefined,
  abort: () => undefined,
  describe: () => 'stand-in',
};

function continuation(name: string): StandIn {
  const k = new StandIn();
  k.task = {
    name,
    loop,
    status: 'running',
    addWait: () => undefined,
    removeWait: () => undefined,
  } as unknown as Task;
  return k;
}

function names(list: Iterable<{ k: Continuation }>): string[] {
  return [...list].map((node) => (node.k.task as Task).name);
}

function parked(lot: ParkingLot, ...ids: string[]): StandIn[] {
  return ids.map((id) => {
    const k = continuation(id);
    lot.park(k, op, `data of ${id}`);
    return k;
  });
}

test('waits are woken first come, first served, with the value given to unpark', () => {
  woken.length = 0;
  const lot = new ParkingLot();
  const [a, b] = parked(lot, 'a', 'b', 'c');
  assert.equal(lot.length, 3);
  const node = lot.unpark(true, 'hello');
  assert.equal(node?.k, a);
  assert.equal(node?.value, 'data of a');
  assert.equal(a.resumeValue, 'hello');
  assert.equal(a.waitingOn, null);
  assert.equal(lot.unpark(false, 'err')?.k, b);
  assert.ok(b.resumeValue instanceof Thrown);
  assert.deepEqual(names(lot), ['c']);
  assert.deepEqual(woken, [a, b]);
});

test('remove takes a wait out of the middle and keeps the order of the others', () => {
  const lot = new ParkingLot();
  const [, b, , d] = parked(lot, 'a', 'b', 'c', 'd', 'e');
  lot.remove(b);
  lot.remove(d);
  lot.remove(d); // a second remove does nothing
  assert.deepEqual(names(lot), ['a', 'c', 'e']);
  assert.deepEqual(lot.statistics(), { waiting: 3 });
});

test('a wait that left by another path is skipped: the wake-up goes to the next one', () => {
  woken.length = 0;
  const lot = new ParkingLot();
  const [a, b] = parked(lot, 'a', 'b');
  wake(a, true, 'woken elsewhere'); // its node is still queued: a stale node
  const node = lot.unpark(true, 'for the lot');
  assert.equal(node?.k, b);
  assert.equal(b.resumeValue, 'for the lot');
  assert.equal(a.resumeValue, 'woken elsewhere');
  assert.equal(lot.length, 0);
  assert.equal(lot.unpark(true, 'nobody'), null);
});

test('a stale node never wakes its continuation’s next wait (a fiber is reused across waits)', () => {
  const lot = new ParkingLot();
  const [a, b] = parked(lot, 'a', 'b');
  wake(a, true, undefined);
  const elsewhere: Waitable = { ...op, describe: () => 'elsewhere' };
  park(a, elsewhere, 'other data'); // the same continuation now waits on something else
  assert.equal(lot.unpark(true, 'x')?.k, b);
  assert.equal(a.waitingOn, elsewhere);
  assert.equal(a.waitData, 'other data');
});

test('unparkAll and unparkN wake in order and report how many they woke', () => {
  woken.length = 0;
  const lot = new ParkingLot();
  const ks = parked(lot, 'a', 'b', 'c', 'd', 'e');
  assert.equal(lot.unparkN(2, true, 1), 2);
  assert.deepEqual(woken, ks.slice(0, 2));
  wake(ks[3], true, undefined); // stale: not counted
  assert.equal(lot.unparkAll(true, 2), 2);
  assert.deepEqual(woken, [ks[0], ks[1], ks[3], ks[2], ks[4]]);
  assert.equal(lot.length, 0);
  assert.equal(lot.unparkN(3, true, 3), 0);
});

test('repark moves waits to the back of another lot without waking them', () => {
  woken.length = 0;
  const from = new ParkingLot();
  const to = new ParkingLot();
  parked(to, 'x');
  const [a, b] = parked(from, 'a', 'b', 'c');
  assert.equal(from.repark(to, 2), 2);
  assert.deepEqual(names(from), ['c']);
  assert.deepEqual(names(to), ['x', 'a', 'b']);
  assert.equal(woken.length, 0);
  to.remove(a); // removal follows the wait to its new lot
  assert.deepEqual(names(to), ['x', 'b']);
  assert.equal(from.reparkAll(to), 1);
  assert.deepEqual(names(to), ['x', 'b', 'c']);
  assert.equal(b.waitingOn, op);
});

test('take removes the first live wait without waking it, for primitives that read its data first', () => {
  const lot = new ParkingLot();
  const [a] = parked(lot, 'a', 'b');
  const node = lot.take();
  assert.equal(node?.k, a);
  assert.equal(a.waitingOn, op, 'still parked until woken');
  assert.equal(node?.wake(true, `reply to ${String(node.value)}`), true);
  assert.equal(a.resumeValue, 'reply to data of a');
  assert.equal(node?.wake(true, 'twice'), false);
  assert.equal(lot.length, 1);
});

test('removing waits in any order costs O(1) each: 4x the waits take about 4x the time, not 16x', () => {
  const time = (n: number): number => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const lot = new ParkingLot();
      const ks = parked(lot, ...Array.from({ length: n }, (_, i) => String(i)));
      // Every other one first, then the rest backwards: no position is cheap for an array.
      const order = [
        ...ks.filter((_, i) => i % 2 === 1),
        ...ks.filter((_, i) => i % 2 === 0).reverse(),
      ];
      const start = performance.now();
      for (const k of order) lot.remove(k);
      best = Math.min(best, performance.now() - start);
      assert.equal(lot.length, 0);
    }
    return best;
  };
  time(5_000); // warm up
  // A busy machine can only make one measurement look worse, never a quadratic removal look
  // linear: three tries, and one clean ratio is enough.
  const ratios: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const small = time(20_000);
    const large = time(80_000);
    if (large / small < 10) return;
    ratios.push(`20k removals: ${small.toFixed(2)} ms, 80k: ${large.toFixed(2)} ms`);
  }
  assert.fail(`removal looks worse than linear: ${ratios.join('; ')}`);
});
