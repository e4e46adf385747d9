import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import {
  all,
  moveOnAfter,
  RemoteError,
  run,
  sleep,
  spawn,
  toProcess,
  toThread,
  transfer,
  until,
  WorkerExitedError,
  EXECUTOR_SIZE,
  executorStatistics,
  type Job,
  type Operation,
} from '../../src/index.js';
import { alive, settle, styles } from './helpers.js';

const jobs = new URL('./fixtures/jobs.js', import.meta.url);
const job = (name: string): Job => ({ module: jobs, export: name });
const executors = [
  { name: 'toThread', run: toThread },
  { name: 'toProcess', run: toProcess },
] as const;

interface Where {
  pid: number;
  threadId: number;
}

test('toThread and toProcess run an exported function with the arguments, elsewhere, in both styles', async () => {
  for (const { name, run: exec } of executors) {
    for (const style of styles) {
      const got = await run(
        style === 'async'
          ? async () => {
              const sum = await exec<number>(job('add'), 2, 3);
              await until(Promise.resolve()); // a foreign wait in the mix
              const at = await exec<Where>({ module: fileURLToPath(jobs) }); // default export, path
              return { sum, at };
            }
          : function* () {
              const sum = yield* exec<number>(job('add'), 2, 3);
              yield* until(Promise.resolve());
              const at = yield* exec<Where>({ module: fileURLToPath(jobs) });
              return { sum, at };
            },
      );
      assert.equal(got.sum, 5, `${name} ${style}`);
      if (name === 'toThread') {
        assert.equal(got.at.pid, process.pid);
        assert.notEqual(got.at.threadId, threadId);
      } else {
        assert.notEqual(got.at.pid, process.pid);
      }
    }
  }
});

test('jobs run in parallel on a pool sized to the cores', async () => {
  for (const { name, run: exec } of executors) {
    const places = await run(() =>
      all(Array.from({ length: EXECUTOR_SIZE * 2 }, () => exec<Where>(job('slowWhere'), 50))),
    );
    const distinct = new Set(places.map((p) => (name === 'toThread' ? p.threadId : p.pid)));
    assert.equal(distinct.size, EXECUTOR_SIZE, name);
  }
});

test("a job's error comes back as RemoteError with the original name, code and the worker's stack", async () => {
  for (const { name, run: exec } of executors) {
    for (const style of styles) {
      const error = await run(
        style === 'async'
          ? async () => settle(exec(job('fail'), 'bad input'))
          : function* () {
              try {
                yield* exec(job('fail'), 'bad input');
              } catch (e) {
                return e;
              }
            },
      );
      assert.ok(error instanceof RemoteError, `${name} ${style}`);
      assert.equal(error.message, 'bad input');
      assert.equal(error.remoteName, 'TypeError');
      assert.equal(error.remoteCode, 'E_JOB');
      assert.match(error.stack ?? '', /at fail \(.*fixtures\/jobs\.js/);
    }
  }
});

test('a missing export is a RemoteError naming it', async () => {
  const error = await run(() => settle(toThread(job('nope'))));
  assert.ok(error instanceof RemoteError);
  assert.match(error.message, /no exported function "nope"/);
});

/**
 * One job per worker, so that every worker of the pool is up: the pools stop with each run,
 * and a job measured against a deadline must not spend it waiting for a worker to start.
 */
function warmUp(exec: (typeof executors)[number]['run']): Operation<number>[] {
  return Array.from({ length: EXECUTOR_SIZE }, () => exec<number>(job('add'), 1, 2));
}

test('cancelling a running job stops it: the thread or process is replaced, the pool goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simul-exec-'));
  try {
    for (const { name, run: exec } of executors) {
      for (const style of styles) {
        const file = join(dir, `${name}-${style}.json`);
        const got = await run(
          style === 'async'
            ? async () => {
                await all(warmUp(exec));
                const timedOut = await moveOnAfter(300, () => exec(job('spin'), -1, file));
                const after = await all(
                  Array.from({ length: EXECUTOR_SIZE * 2 }, () =>
                    exec<Where>(job('slowWhere'), 30),
                  ),
                );
                return { timedOut, after };
              }
            : function* () {
                yield* all(warmUp(exec));
                const timedOut = yield* moveOnAfter(300, () => exec(job('spin'), -1, file));
                const after = yield* all(
                  Array.from({ length: EXECUTOR_SIZE * 2 }, () =>
                    exec<Where>(job('slowWhere'), 30),
                  ),
                );
                return { timedOut, after };
              },
        );
        assert.equal(got.timedOut, undefined, `${name} ${style}`);
        const spun = JSON.parse(readFileSync(file, 'utf8')) as Where;
        if (name === 'toThread') {
          assert.ok(
            !got.after.some((w) => w.threadId === spun.threadId),
            'the thread was replaced',
          );
        } else {
          assert.ok(!got.after.some((w) => w.pid === spun.pid), 'the process was replaced');
          assert.equal(alive(spun.pid), false, 'the spinning process is gone');
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a job cancelled while queued never runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simul-exec-'));
  try {
    await run(async () => {
      const busy = Array.from({ length: EXECUTOR_SIZE }, () =>
        spawn(() => toThread(job('spin'), 200)),
      );
      await sleep(20);
      const file = join(dir, 'queued.json');
      const queued = spawn(() => toThread(job('spin'), 0, file));
      await sleep(20);
      queued.cancel();
      for (const t of busy) await t;
      await sleep(50);
      assert.throws(() => readFileSync(file), /ENOENT/);
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('transfer() moves an ArrayBuffer to a thread and back instead of copying it', async () => {
  await run(async () => {
    const bytes = new Uint8Array(1024).fill(2);
    const total = await toThread<number>(job('sum'), transfer(bytes));
    assert.equal(total, 2048);
    assert.equal(bytes.byteLength, 0, 'the sender no longer has the buffer');
    const back = await toThread<Uint8Array>(job('filled'), 16, 7);
    assert.equal(back.length, 16);
    assert.equal(back[3], 7);
    const copied = await toProcess<number>(job('sum'), transfer(new Uint8Array(4).fill(1)));
    assert.equal(copied, 4, 'a process gets a copy');
  });
});

test('a worker process that dies mid-job fails the job with WorkerExitedError; the next job gets a new process', async () => {
  await run(async () => {
    const error = await settle(toProcess(job('exit'), 3));
    assert.ok(error instanceof WorkerExitedError);
    assert.match(error.message, /code 3/);
    assert.equal(await toProcess(job('add'), 1, 1), 2);
  });
});

test('a CPU-bound job in a thread leaves the loop free: other tasks keep running meanwhile', async () => {
  await run(async () => {
    let ticks = 0;
    const ticker = spawn(async () => {
      for (;;) {
        await sleep(5);
        ticks++;
      }
    });
    await toThread(job('spin'), 300);
    ticker.cancel();
    assert.ok(ticks >= 3, `the loop ticked ${ticks} times while the thread spun`);
  });
});

test('a program that used both executors exits by itself once run() is done (idle workers hold nothing), and pending jobs and a shutdown keep it alive until done', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simul-exec-'));
  try {
    const script = join(dir, 'main.mjs');
    const index = new URL('../../src/index.js', import.meta.url).href;
    writeFileSync(
      script,
      `import { all, run, shutdownExecutors, toThread, toProcess } from ${JSON.stringify(index)};\n` +
        `const job = { module: ${JSON.stringify(jobs.href)}, export: 'add' };\n` +
        // A shutdown waits for the workers to exit: it must keep the program alive meanwhile.
        `for (let i = 0; i < 6; i++) {\n` +
        `  if ((await run(() => toProcess(job, 1, 2))) !== 3) throw new Error('wrong result');\n` +
        `  await run(() => shutdownExecutors());\n` +
        `}\n` +
        `console.log(3);\n` +
        `console.log(await run(async () => (await toThread(job, 1, 2)) + (await toProcess(job, 3, 4))));\n` +
        // Jobs waiting for a worker that is still starting, and a shutdown, keep the program
        // alive until they are done (idle workers are unreferenced).
        `console.log(await run(() => all([toThread(job, 1, 1), toThread(job, 2, 2), toProcess(job, 3, 3)])));\n` +
        `await run(() => shutdownExecutors());\n` +
        `console.log(await run(() => toThread(job, 5, 5)));\n`,
    );
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.signal, null, 'it had to be killed: something kept it alive');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['3', '10', '[ 2, 4, 6 ]', '10']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

/** Waits (real time, bounded) until process `pid` is gone. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 25));
  return !alive(pid);
}

for (const style of styles) {
  test(`${style}: the pools shut down with the last run that used them, and start again for the next`, async () => {
    const body =
      style === 'async'
        ? async (): Promise<[Where, Where]> => [
            await toThread<Where>(job('default')),
            await toProcess<Where>(job('default')),
          ]
        : function* (): Generator<unknown, [Where, Where], unknown> {
            return [
              yield* toThread<Where>(job('default')),
              yield* toProcess<Where>(job('default')),
            ];
          };
    const [inThread, inProcess] = await run(body);
    assert.notEqual(inThread.threadId, threadId);
    assert.deepEqual(executorStatistics(), { threads: 0, processes: 0 });
    assert.ok(await gone(inProcess.pid), `worker process ${inProcess.pid} outlived its run`);
    // The next run starts them again.
    const again = await run(() => toProcess<Where>(job('default')));
    assert.notEqual(again.pid, inProcess.pid);
    assert.ok(await gone(again.pid));
  });
}

test('while another run still uses the pools, a finished run leaves them running', async () => {
  let release = (): void => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let first: Where | undefined;
  const longRun = run(async () => {
    first = await toProcess<Where>(job('default'));
    await released; // a foreign wait: the run goes on until the test lets it
    return toProcess<Where>(job('default'));
  });
  await run(async () => {
    while (first === undefined) await until(new Promise((r) => setTimeout(r, 5)));
    await toProcess<Where>(job('default'));
  });
  assert.ok(alive(first!.pid), 'the pool stopped while a run that used it still ran');
  release();
  const last = await longRun;
  assert.ok(await gone(last.pid));
});

test('jobs are validated', () => {
  assert.throws(() => toThread(null as never), /toThread\(job, ...args\): job must be an object/);
  assert.throws(() => toThread({ module: './x.js' }), /must not be a relative path/);
  assert.throws(
    () => toProcess({ module: 42 } as never),
    /job.module must be a URL or a non-empty string, got 42/,
  );
  assert.throws(
    () => toThread({ module: jobs, export: '' }),
    /job.export must be a non-empty string/,
  );
  assert.throws(
    () => toThread({ module: jobs, exports: 'x' } as never),
    /unknown option "job.exports"; did you mean "job.export"\?/,
  );
  assert.throws(() => transfer('x' as never), /transfer\(value\): value must be an ArrayBuffer/);
});
