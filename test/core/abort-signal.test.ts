import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import {
  abortSignal,
  CancelledError,
  current,
  InvalidStateError,
  moveOnAfter,
  run,
  shield,
  sleep,
  spawn,
  taskGroup,
  until,
  withTimeout,
  yieldNow,
} from '../../src/index.js';

const virtual = { clock: 'virtual' } as const;

/** A foreign operation that only ends when its signal aborts (with the signal's reason). */
function untilAborted(signal: AbortSignal, log: string[]): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => {
      log.push(`aborted: ${(signal.reason as Error).name}`);
      reject(signal.reason);
    });
  });
}

test('abortSignal() inside withTimeout aborts at the deadline, not only when the task is cancelled', async () => {
  for (const style of ['async', 'generator'] as const) {
    const seen: { aborted: boolean; reason: unknown; taskAborted: boolean }[] = [];
    await run(
      style === 'async'
        ? async () => {
            let signal: AbortSignal | undefined;
            await moveOnAfter(100, async () => {
              signal = abortSignal();
              await sleep(1000);
            });
            seen.push({
              aborted: signal!.aborted,
              reason: signal!.reason,
              taskAborted: current().signal.aborted,
            });
          }
        : function* () {
            let signal: AbortSignal | undefined;
            yield* moveOnAfter(100, function* () {
              signal = abortSignal();
              yield* sleep(1000);
            });
            seen.push({
              aborted: signal!.aborted,
              reason: signal!.reason,
              taskAborted: current().signal.aborted,
            });
          },
      virtual,
    );
    assert.equal(seen[0].aborted, true, style);
    assert.ok(seen[0].reason instanceof CancelledError, style);
    assert.equal(seen[0].taskAborted, false, `${style}: the task itself goes on`);
  }
});

test('abortSignal() is the innermost scope: the task signal and an outer scope signal differ', async () => {
  await run(async () => {
    const taskSignal = abortSignal();
    assert.equal(taskSignal, current().signal);
    await withTimeout(1000, async () => {
      const inner = abortSignal();
      assert.notEqual(inner, taskSignal);
      assert.equal(abortSignal(), inner, 'one signal per scope');
    });
  }, virtual);
});

test('a shield keeps outer cancellation away from abortSignal(); a scope inside the shield still aborts', async () => {
  const log: string[] = [];
  await run(async () => {
    const child = spawn(async () => {
      await shield(async () => {
        const shielded = abortSignal();
        await sleep(10);
        log.push(`shielded after outer cancel: ${shielded.aborted}`);
        await moveOnAfter(5, async () => {
          const inner = abortSignal();
          await sleep(100);
          log.push(`unreachable ${inner.aborted}`);
        });
        log.push('inner deadline passed');
      });
    });
    await yieldNow();
    await yieldNow();
    child.cancel();
  }, virtual);
  assert.deepEqual(log, ['shielded after outer cancel: false', 'inner deadline passed']);
});

test('g.cancel() aborts the abortSignal() of the group body and of the group tasks', async () => {
  const log: string[] = [];
  await run(function* () {
    yield* taskGroup(function* (g) {
      const bodySignal = abortSignal();
      g.spawn(async () => {
        await until((signal) => untilAborted(signal, log));
      });
      yield* yieldNow();
      yield* yieldNow();
      g.cancel('enough');
      log.push(`body signal: ${bodySignal.aborted}`);
    });
  }, virtual);
  assert.deepEqual(log, ['aborted: CancelledError', 'body signal: true']);
});

test('until(start) hands the foreign work the signal: cancelling the wait aborts the work', async () => {
  for (const style of ['async', 'generator'] as const) {
    const log: string[] = [];
    await run(
      style === 'async'
        ? async () => {
            const child = spawn(async () => {
              await until((signal) => untilAborted(signal, log));
            });
            await yieldNow();
            child.cancel('stop');
            try {
              await child;
            } catch (e) {
              log.push(`join: ${(e as Error).name}`);
            }
          }
        : function* () {
            const child = spawn(function* () {
              yield* until((signal) => untilAborted(signal, log));
            });
            yield* yieldNow();
            child.cancel('stop');
            try {
              yield* child;
            } catch (e) {
              log.push(`join: ${(e as Error).name}`);
            }
          },
    );
    assert.deepEqual(log, ['aborted: CancelledError', 'join: CancelledError'], style);
  }
});

test('an AbortError caused by simul aborting a signal is the cancellation, not a failure', async () => {
  // A child blocked in node:timers/promises' setTimeout with the scope's signal: cancelling
  // it makes that API throw an AbortError whose cause is simul's CancelledError.
  for (const style of ['async', 'generator'] as const) {
    let state = '';
    await run(
      style === 'async'
        ? async () => {
            const child = spawn(async () => {
              await delay(5000, 'late', { signal: abortSignal() });
            });
            await sleep(5);
            child.cancel();
            try {
              await child;
            } catch {
              // the join throws the cancellation; the parent caught it
            }
            state = child.state;
          }
        : function* () {
            const child = spawn(function* () {
              yield* until(delay(5000, 'late', { signal: abortSignal() }));
            });
            yield* sleep(5);
            child.cancel();
            try {
              yield* child;
            } catch {
              // the join throws the cancellation; the parent caught it
            }
            state = child.state;
          },
    );
    assert.equal(state, 'cancelled', style);
  }
});

test('an AbortError that simul did not cause is a failure like any other', async () => {
  await assert.rejects(
    run(async () => {
      const controller = new AbortController();
      controller.abort();
      await delay(10, undefined, { signal: controller.signal });
    }),
    { name: 'AbortError' },
  );
});

test('abortSignal() outside a task, and until() with a start that returns no promise, are errors', async () => {
  assert.throws(() => abortSignal(), InvalidStateError);
  assert.throws(() => until(42 as never), /until\(promise\): promise must be a promise/);
  await assert.rejects(
    run(async () => {
      await until(() => 42 as never);
    }),
    /until\(start\): start must return a promise or thenable, got 42/,
  );
});
