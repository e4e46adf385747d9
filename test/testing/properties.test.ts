// Property tests of the choice stream, on random programs of both styles (random numbers of
// tasks, of yields and of sleeps, so that ready steps and timers due at once both make
// choices):
//   1. a run recorded under any seed and policy replays exactly from its trace;
//   2. a trace of zeros is the FIFO schedule;
//   3. a shrunk trace fails the same way as the trace it came from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explore, replay, run, shrink, sleep, spawn, yieldNow } from '../../src/index.js';

type Move = 'yield' | 'sleep1' | 'sleep2';
interface Program {
  tasks: { generator: boolean; moves: Move[] }[];
}

const programArb: fc.Arbitrary<Program> = fc.record({
  tasks: fc.array(
    fc.record({
      generator: fc.boolean(),
      moves: fc.array(fc.constantFrom<Move>('yield', 'sleep1', 'sleep2'), { maxLength: 5 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** The program as a body that logs each step; fails when `failOn` sees the log. */
function bodyOf(program: Program, log: string[], failOn?: (log: string[]) => boolean) {
  return async (): Promise<void> => {
    log.length = 0;
    const tasks = program.tasks.map((task, t) =>
      spawn(
        task.generator
          ? function* () {
              for (const [i, move] of task.moves.entries()) {
                log.push(`${t}.${i}`);
                yield* move === 'yield' ? yieldNow() : sleep(move === 'sleep1' ? 1 : 2);
              }
            }
          : async () => {
              for (const [i, move] of task.moves.entries()) {
                log.push(`${t}.${i}`);
                await (move === 'yield' ? yieldNow() : sleep(move === 'sleep1' ? 1 : 2));
              }
            },
      ),
    );
    for (const task of tasks) await task;
    if (failOn?.(log)) throw new Error('the order the property looks for');
  };
}

test('a recorded schedule replays exactly from its trace; zeros are FIFO', async () => {
  await fc.assert(
    fc.asyncProperty(
      programArb,
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom('random' as const, 'pct' as const),
      async (program, seed, policy) => {
        const log: string[] = [];
        const body = bodyOf(program, log);
        const trace: number[] = [];
        await run(body, { clock: 'virtual', schedule: { policy, seed, record: trace } });
        const explored = [...log];
        await replay(body, trace);
        assert.deepEqual(log, explored, 'the trace replays the schedule');

        await run(body, { clock: 'virtual' });
        const fifo = [...log];
        const zeros: number[] = [];
        await run(body, { clock: 'virtual', schedule: { policy: 'fifo', record: zeros } });
        assert.deepEqual(log, fifo, 'recording does not change FIFO');
        assert.ok(zeros.every((c) => c === 0));
        await replay(body, zeros);
        assert.deepEqual(log, fifo, 'zeros replay FIFO');
      },
    ),
    { numRuns: 50 },
  );
});

test('a shrunk trace fails the same way as the trace it came from', async () => {
  await fc.assert(
    fc.asyncProperty(programArb, fc.integer({ min: 0, max: 1000 }), async (program, seed) => {
      const log: string[] = [];
      // Fails when the last task's first step is not the last of the first steps: some
      // schedule fails, FIFO does not.
      const last = program.tasks.length - 1;
      const body = bodyOf(program, log, (l) => {
        const firsts = l.filter((e) => e.endsWith('.0'));
        return firsts.length > 1 && firsts[0] === `${last}.0`;
      });
      const report = await explore(body, { runs: 50, seed, shrink: false, stopOnFailure: true });
      const failure = report.failures[0];
      if (failure === undefined) return;
      const shrunk = await shrink(body, failure.trace, { maxRuns: 200 });
      assert.equal((shrunk.error as Error).message, 'the order the property looks for');
      await assert.rejects(replay(body, shrunk.trace), /the order the property looks for/);
      const count = (t: number[]): number => t.filter((c) => c !== 0).length;
      assert.ok(count(shrunk.trace) <= count(failure.trace));
    }),
    { numRuns: 30 },
  );
});
