// The exhibition's times are the virtual clock's readings as the board tasks run: these
// tests state what the talk says they must come to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activityStrip, sequential, simultaneous } from '../../src/lab/chess.js';

const talk = { boards: 24, moves: 30, masterMs: 5000, opponentMs: 55_000 };

test('one board after the other takes 24 × 30 × (5 s + 55 s) = 12 h', async () => {
  const ex = await sequential(talk);
  assert.equal(ex.totalMs, 12 * 3600_000);
  assert.equal(ex.moves.length, 720);
  assert.equal(ex.busyMs, 3600_000);
});

test('all boards at once: the master never waits, an hour of moves plus the last answer', async () => {
  const ex = await simultaneous(talk);
  assert.equal(ex.busyMs, 3600_000);
  assert.equal(ex.waitingMs, 0);
  assert.equal(ex.totalMs, 3600_000 + 55_000);
  // She walks the boards in order, round after round.
  assert.deepEqual(
    ex.moves.slice(0, 26).map((m) => m.board),
    [...Array.from({ length: 24 }, (_, i) => i + 1), 1, 2],
  );
  assert.equal(ex.moves[24]?.atMs, 120_000);
});

test('opponents slower than a round: each round lasts a move and an answer, and she waits', async () => {
  const ex = await simultaneous({ boards: 4, moves: 3, masterMs: 5000, opponentMs: 60_000 });
  // A round is now 5 s + 60 s for board 1; the other boards follow 5 s apart.
  assert.deepEqual(
    ex.moves.map((m) => m.atMs),
    [0, 5000, 10_000, 15_000, 65_000, 70_000, 75_000, 80_000, 130_000, 135_000, 140_000, 145_000],
  );
  assert.equal(ex.waitingMs, 150_000 - 60_000);
});

test('the activity strip is all █ when she never waits, and shows · where she does', async () => {
  assert.equal(activityStrip(await simultaneous(talk), 5000), '█'.repeat(60));
  const strip = activityStrip(
    await simultaneous({ boards: 2, moves: 2, masterMs: 1000, opponentMs: 8000 }),
    1000,
    10,
  );
  assert.match(strip, /^█.*·.*█$/);
});
