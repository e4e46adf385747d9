// AsyncLocalStorage stores of the program's own and simul's tasks. A task spawned by async
// code starts in that code's context (as asyncio and Trio copy a task's context when it is
// created), so a request id set around spawn() reaches the child; a task spawned by generator
// code or a callback starts in the context `run` was called in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { callSoon, Event, run, sleep, spawn, taskGroup, yieldNow } from '../../src/index.js';

const store = new AsyncLocalStorage<string>();

test('a task spawned by async code sees the stores set around spawn(), across its awaits', async () => {
  const seen: (string | undefined)[] = [];
  await store.run('caller', () =>
    run(
      async () => {
        await store.run('request 7', async () => {
          const child = spawn(async () => {
            seen.push(store.getStore());
            await sleep(5);
            seen.push(store.getStore());
          });
          await taskGroup(async (g) => {
            g.spawn(async () => void seen.push(`group: ${store.getStore()}`));
          });
          await child;
        });
        seen.push(`root: ${store.getStore()}`);
      },
      { clock: 'virtual' },
    ),
  );
  assert.deepEqual(seen, ['request 7', 'group: request 7', 'request 7', 'root: caller']);
});

test('a task spawned by generator code or a callback starts in the context of run()', async () => {
  const seen: (string | undefined)[] = [];
  await store.run('caller', () =>
    run(
      async () => {
        const go = new Event();
        // An async task with a store of its own ends its step right before the generator's
        // step: the loop goes on from inside that task's context, which must not leak.
        spawn(() =>
          store.run('another task', async () => {
            await go.wait();
            await yieldNow();
          }),
        );
        spawn(function* () {
          yield* go.wait();
          yield* yieldNow();
          spawn(async () => void seen.push(`from generator: ${store.getStore()}`));
        });
        callSoon(() => {
          go.set();
        });
        await sleep(1);
        callSoon(() => {
          // A callback cannot spawn (it is no task); what it sees is the loop's context.
          seen.push(`callback: ${store.getStore() ?? 'none'}`);
        });
        await sleep(1);
      },
      { clock: 'virtual' },
    ),
  );
  assert.deepEqual(seen.sort(), ['callback: caller', 'from generator: caller']);
});
