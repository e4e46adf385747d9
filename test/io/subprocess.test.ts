import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelledError,
  exec,
  run,
  sleep,
  spawn,
  spawnProcess,
  TimeoutError,
  LimitOverrunError,
  until,
  withTimeout,
  type Process,
  type Operation,
} from '../../src/index.js';
import { alive, countProcesses, settle, styles } from './helpers.js';

/** A unique `sleep` duration marks this test's processes, so they can be counted. */
let markerSeq = 0;
function marker(): string {
  return `${4000 + (process.pid % 1000)}.${++markerSeq}${Math.floor(Math.random() * 1000)}`;
}

test('exec feeds the input and returns the exit code, stdout and stderr (a non-zero exit is returned, not thrown)', async () => {
  for (const style of styles) {
    const result = await run(
      style === 'async'
        ? async () => exec('sh', ['-c', 'cat; echo oops >&2; exit 3'], { input: 'hello' })
        : function* () {
            return yield* exec('sh', ['-c', 'cat; echo oops >&2; exit 3'], { input: 'hello' });
          },
    );
    assert.deepEqual(
      result,
      { exitCode: 3, signal: null, stdout: 'hello', stderr: 'oops\n' },
      style,
    );
  }
});

test("exec with encoding 'buffer' returns Buffers", async () => {
  const result = await run(() => exec('printf', ['\\001\\002'], { encoding: 'buffer' }));
  assert.ok(Buffer.isBuffer(result.stdout));
  assert.deepEqual([...result.stdout], [1, 2]);
});

test('exec with timeoutMs throws TimeoutError, and the process is gone when it does', async () => {
  for (const style of styles) {
    const mark = marker();
    const error = await run(
      style === 'async'
        ? async () => settle(exec('sleep', [mark], { timeoutMs: 100 }))
        : function* () {
            try {
              yield* exec('sleep', [mark], { timeoutMs: 100 });
            } catch (e) {
              return e;
            }
          },
    );
    assert.ok(error instanceof TimeoutError, style);
    assert.equal(countProcesses(`sleep ${mark}`), 0, 'the process was killed');
  }
});

test('exec throws LimitOverrunError past maxBuffer and kills the process', async () => {
  const error = await run(() =>
    settle(
      exec('sh', ['-c', 'while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxx; done'], {
        maxBuffer: 10_000,
      }),
    ),
  );
  assert.ok(error instanceof LimitOverrunError);
  assert.equal(error.limit, 10_000);
});

test('spawnProcess gives the pipes as Streams: write stdin, read stdout, close stdin, wait for the exit', async () => {
  for (const style of styles) {
    const got = await run(
      style === 'async'
        ? async () => {
            const proc = await spawnProcess('sort', []);
            await proc.stdin!.write('b\nc\n');
            await until(new Promise((resolve) => setTimeout(resolve, 5))); // a foreign wait in the mix
            await proc.stdin!.write('a\n');
            await proc.stdin!.close();
            const lines = [];
            for (let i = 0; i < 3; i++) lines.push((await proc.stdout!.readUntil('\n')).toString());
            const end = await proc.stdout!.read();
            const status = await proc.wait();
            return { lines, end, status };
          }
        : function* () {
            const proc = yield* spawnProcess('sort', []);
            yield* proc.stdin!.write('b\nc\n');
            yield* until(new Promise((resolve) => setTimeout(resolve, 5)));
            yield* proc.stdin!.write('a\n');
            yield* proc.stdin!.close();
            const lines = [];
            for (let i = 0; i < 3; i++)
              lines.push((yield* proc.stdout!.readUntil('\n')).toString());
            const end = yield* proc.stdout!.read();
            const status = yield* proc.wait();
            return { lines, end, status };
          },
    );
    assert.deepEqual(got.lines, ['a\n', 'b\n', 'c\n'], style);
    assert.equal(got.end, null);
    assert.deepEqual(got.status, { exitCode: 0, signal: null });
  }
});

test('a task does not finish before the process it started has exited', async () => {
  await run(async () => {
    let proc: Process | undefined;
    const task = spawn(async () => {
      proc = await spawnProcess('sleep', ['0.3']);
    });
    await sleep(100);
    assert.equal(task.state, 'waiting', 'the body returned, the process still runs');
    assert.equal(proc!.exited, false);
    await task;
    assert.equal(proc!.exited, true);
    assert.equal(proc!.exitCode, 0);
  });
});

test('cancelling the owning task sends SIGTERM to the process group, then SIGKILL after the grace period to a child that ignores SIGTERM: no orphan survives', async () => {
  for (const style of styles) {
    const mark = marker();
    // A shell that ignores SIGTERM (so do its children), with a grandchild in the background.
    const script = `trap '' TERM; sleep ${mark} & sleep ${mark}; wait`;
    const got = await run(async () => {
      let pid = 0;
      const task = spawn(
        style === 'async'
          ? async () => {
              const proc = await spawnProcess('sh', ['-c', script], { graceMs: 300 });
              pid = proc.pid;
              await proc.wait();
            }
          : function* () {
              const proc = yield* spawnProcess('sh', ['-c', script], { graceMs: 300 });
              pid = proc.pid;
              yield* proc.wait();
            },
      );
      await sleep(200);
      const before = countProcesses(`sleep ${mark}`);
      const t0 = Date.now();
      task.cancel();
      const outcome = await settle(task);
      return { before, outcome, waited: Date.now() - t0, groupAlive: alive(-pid) };
    });
    assert.equal(got.before, 2, `${style}: the child and the grandchild ran`);
    assert.ok(got.outcome instanceof CancelledError);
    assert.ok(got.waited >= 250, `SIGKILL came after the grace period (${got.waited} ms)`);
    assert.equal(countProcesses(`sleep ${mark}`), 0, 'no orphan survives its task');
  }
});

test('on cancel, the grandchild that ignores SIGTERM is killed even when the direct child has exited already', async () => {
  const mark = marker();
  const script = `(trap '' TERM; exec sleep ${mark}) & wait`;
  await run(async () => {
    let proc: Process | undefined;
    const task = spawn(async () => {
      proc = await spawnProcess('sh', ['-c', script], { graceMs: 200 });
      await proc.wait();
    });
    await sleep(200);
    assert.equal(countProcesses(`sleep ${mark}`), 1);
    task.cancel();
    await settle(task);
    assert.equal(proc!.exited, true);
    assert.equal(proc!.childProcess.signalCode, 'SIGTERM', 'the direct child died of SIGTERM');
  });
  assert.equal(countProcesses(`sleep ${mark}`), 0);
});

test('a process that leaves a child behind when it exits has that child ended with it', async () => {
  const mark = marker();
  await run(async () => {
    const result = await exec('sh', ['-c', `sleep ${mark} >/dev/null 2>&1 & echo started`], {
      graceMs: 200,
    });
    assert.equal(result.stdout, 'started\n');
  });
  assert.equal(countProcesses(`sleep ${mark}`), 0);
});

test('a deadline around spawnProcess and wait kills the process and throws TimeoutError', async () => {
  const mark = marker();
  const error = await run(async () =>
    settle(
      withTimeout(100, async () => {
        const proc = await spawnProcess('sleep', [mark]);
        await proc.wait();
      }),
    ),
  );
  assert.ok(error instanceof TimeoutError);
  assert.equal(countProcesses(`sleep ${mark}`), 0);
});

test('kill() signals the process; wait() reports the signal', async () => {
  const status = await run(async () => {
    const proc = await spawnProcess('sleep', ['10']);
    proc.kill();
    return proc.wait();
  });
  assert.deepEqual(status, { exitCode: null, signal: 'SIGTERM' });
});

test('a file that does not exist fails spawnProcess and exec with ENOENT', async () => {
  const starts: (() => Operation<unknown>)[] = [
    () => spawnProcess('/no/such/program', []),
    () => exec('/no/such/program'),
  ];
  for (const start of starts) {
    const error = await run(() => settle(start()));
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOENT');
  }
});

test('arguments are validated', async () => {
  assert.throws(
    () => exec(42 as never),
    /exec\(file, args, options\): file must be a non-empty string, got 42/,
  );
  assert.throws(() => exec('ls', 'x' as never), /args must be an array of strings, got "x"/);
  assert.throws(() => exec('ls', [], { timeout: 5 } as never), /unknown option "timeout"/);
  assert.throws(
    () => exec('ls', [], { timeoutMs: -1 }),
    /options.timeoutMs must be a finite number >= 0, got -1/,
  );
  assert.throws(
    () => spawnProcess('ls', [], { stdout: 'file' as never }),
    /options.stdout must be one of/,
  );
  assert.throws(() => spawnProcess('ls', [], { graceMs: NaN }), RangeError);
  assert.throws(
    () => exec('ls', [], { encoding: 'latin1' as never }),
    /encoding must be 'utf8' or 'buffer'/,
  );
});
