// The watchdog on a step that truly never returns (in a child process, killed once it has
// reported), the task dump under the virtual clock, the deadlock's wait-for cycle, SIGUSR2,
// and the Timeline instrument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  DeadlockError,
  dumpTasks,
  Lock,
  Queue,
  run,
  sleep,
  spawn,
  Timeline,
} from '../../src/index.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));

/** Resolves with what `child` wrote to stderr once it matches `pattern` (or fails after 20 s). */
function stderrUntil(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${pattern} on stderr within 20 s; got: ${text}`));
    }, 20_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      text += chunk;
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (!pattern.test(text)) reject(new Error(`exited without ${pattern}; stderr: ${text}`));
    });
  });
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.signalCode ?? child.exitCode);
  }
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
}

for (const style of ['async', 'generator'] as const) {
  test(`${style}: the watchdog reports a while (true) {} while it spins, and says how to stop it`, async () => {
    const child = spawnChild(process.execPath, [fixture('spin'), style], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const report = await stderrUntil(child, /simul watchdog: .*\n/);
      assert.match(
        report,
        new RegExp(
          'simul watchdog: task #1 \\(spinner\\) has been ' +
            'running one step for \\d+ ms \\(stuckMs 200\\) and is still running',
        ),
      );
      assert.match(report, /Ctrl-C and SIGTERM .* never gets to run/);
      assert.match(report, new RegExp(`kill -9 ${child.pid} \\(SIGKILL\\)`));
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited(child), 'SIGKILL');
  });
}

test('a good program leaves the watchdog silent and the process exits on its own', async () => {
  const child = spawnChild(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { run, sleep } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
       await run(async () => { for (let i = 0; i < 3; i++) await sleep(50); }, { debug: { stuckMs: 20 } });`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  assert.equal(await exited(child), 0); // the unref'd watchdog thread keeps nothing alive
  assert.equal(stderr, '');
});

for (const style of ['async', 'generator'] as const) {
  test(`${style}: dumpTasks under the virtual clock: names, states, ages and waits`, async () => {
    let dump = '';
    const lock = new Lock({ name: 'db' });
    const queue = new Queue<number>({ name: 'jobs' });
    await run(
      async () => {
        const holder = spawn(
          style === 'async'
            ? async () => {
                await lock.acquire();
                await sleep(500);
                lock.release();
              }
            : function* () {
                yield* lock.acquire();
                yield* sleep(500);
                lock.release();
              },
          { name: 'holder' },
        );
        await sleep(10);
        spawn(
          style === 'async'
            ? async () => {
                await lock.acquire();
                lock.release();
              }
            : function* () {
                yield* lock.acquire();
                lock.release();
              },
          { name: 'waiter' },
        );
        const consumer = spawn(() => queue.get(), { name: 'consumer' });
        await sleep(90);
        dump = dumpTasks();
        await holder;
        consumer.cancel();
      },
      { clock: 'virtual', debug: true, name: 'root' },
    );
    assert.equal(
      dump,
      [
        'simul tasks at t=100ms:',
        '  #1 root [running, age 100ms]',
        '    #2 holder [waiting, age 100ms]',
        '      waiting on sleep(500) until t=500ms',
        '    #3 waiter [waiting, age 90ms]',
        '      waiting on Lock#1 (db) held by task #2 (holder)',
        '    #4 consumer [waiting, age 90ms]',
        '      waiting on Queue#1 (jobs) get (empty, 0 items, unbounded; 1 waiting)',
      ].join('\n'),
    );
  });

  test(`${style}: a lock-order deadlock reports the wait-for cycle as a chain`, async () => {
    const a = new Lock({ name: 'a' });
    const b = new Lock({ name: 'b' });
    const error = await run(
      async () => {
        spawn(
          async () => {
            await a.acquire();
            await sleep(1);
            await b.acquire();
          },
          { name: 'first' },
        );
        spawn(
          style === 'async'
            ? async () => {
                await b.acquire();
                await sleep(1);
                await a.acquire();
              }
            : function* () {
                yield* b.acquire();
                yield* sleep(1);
                yield* a.acquire();
              },
          { name: 'second' },
        );
      },
      { clock: 'virtual' },
    ).then(
      () => assert.fail('expected a deadlock'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DeadlockError);
    assert.match(
      error.message,
      /\nwait-for cycle: task #2 \(first\) → Lock#\d \(b\) \(held by task #3 \(second\)\) → Lock#\d \(a\) \(held by task #2 \(first\)\)$/,
    );
  });
}

test('a deadlock with no cycle (a queue nobody fills) has no wait-for cycle line', async () => {
  const error = await run(
    async () => {
      await new Queue<number>().get();
    },
    { clock: 'virtual' },
  ).then(
    () => assert.fail('expected a deadlock'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DeadlockError);
  assert.doesNotMatch(error.message, /wait-for cycle/);
});

test('under debug, SIGUSR2 prints the task dump to stderr', async () => {
  const child = spawnChild(process.execPath, [fixture('dump-on-signal')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve) =>
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        if (chunk.includes('ready')) resolve();
      }),
    );
    const dumped = stderrUntil(child, /sleeper \[waiting[^\n]*\n[^\n]*\n/);
    child.kill('SIGUSR2');
    const text = await dumped;
    assert.match(
      text,
      /simul tasks at t=\S+:\n {2}#1 root \[waiting, age \S+\]\n {4}waiting on sleep\(60000\) until t=\S+\n {4}#2 sleeper \[waiting, age \S+\]\n {6}waiting on sleep\(60000\)/,
    );
  } finally {
    child.kill('SIGKILL');
  }
  await exited(child);
});

for (const style of ['async', 'generator'] as const) {
  test(`${style}: the Timeline instrument records each task's life and steps`, async () => {
    const timeline = new Timeline();
    await run(
      style === 'async'
        ? async () => {
            await spawn(
              async () => {
                await sleep(10);
                await sleep(10);
              },
              { name: 'child' },
            );
          }
        : function* () {
            yield* spawn(
              function* () {
                yield* sleep(10);
                yield* sleep(10);
              },
              { name: 'child' },
            );
          },
      { clock: 'virtual', instruments: [timeline], name: 'root' },
    );
    const { tasks, steps } = timeline.toJSON();
    assert.deepEqual(
      tasks.map((t) => [t.id, t.name, t.parentId, t.spawnedAt, t.exitedAt, t.state]),
      [
        [1, 'root', null, 0, 20, 'done'],
        [2, 'child', 1, 0, 20, 'done'],
      ],
    );
    assert.deepEqual(
      steps.filter((s) => s.taskId === 2).map((s) => s.at),
      [0, 10, 20],
    );
    assert.ok(steps.every((s) => s.durationMs >= 0));
  });
}
