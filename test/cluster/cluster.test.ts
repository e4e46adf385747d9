// The cluster runner as a user runs it: a primary process with real worker processes serving
// HTTP on loopback. Every wait is for an event (a line of output, a process gone), bounded by
// a generous timeout, never a sleep that a busy machine could outrun.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { reusePortUnsupported } from '../../src/io/server-registry.js';
import { alive, eventually, get, startFixture, type Program } from './helpers.js';

const styles = ['async', 'generator'] as const;

/** Runs `body` against a started fixture, and never leaves its processes behind. */
async function withCluster(
  env: Record<string, string>,
  body: (primary: Program) => Promise<void>,
): Promise<void> {
  const primary = startFixture(env);
  try {
    await body(primary);
  } finally {
    await primary.kill();
  }
}

/**
 * GETs in `loops` concurrent loops until `stop()`; counts answers by body and failures. A
 * request that gets no answer within `timeoutMs` fails (as a client's timeout would).
 */
function load(port: number, loops: number, timeoutMs = 20_000) {
  const answers = new Map<string, number>();
  const failures: string[] = [];
  let ok = 0;
  let running = true;
  const done = Promise.all(
    Array.from({ length: loops }, async () => {
      while (running) {
        try {
          const { status, body } = await get(port, '/', timeoutMs);
          if (status !== 200) failures.push(`status ${status}`);
          else {
            ok++;
            answers.set(body.trim(), (answers.get(body.trim()) ?? 0) + 1);
          }
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }),
  );
  return {
    answers,
    failures,
    get ok() {
      return ok;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('cluster', { concurrency: 3 }, () => {
  for (const style of styles) {
    const signal = style === 'async' ? 'SIGTERM' : 'SIGINT';
    test(`${style} main: two workers serve one port, and ${signal} drains them without losing a request accepted before it`, async () => {
      await withCluster({ STYLE: style, WORKERS: '2', GRACE_MS: '10000' }, async (primary) => {
        const { port, pids } = await primary.listening(2);
        const seen = new Set<string>();
        for (let i = 0; i < 40 && seen.size < 2; i++) seen.add((await get(port)).body.trim());
        assert.deepEqual([...seen].map(Number).sort(), [...pids].sort());

        const slow = Array.from({ length: 4 }, () => get(port, '/slow?ms=1500'));
        await primary.waitFor(/started \d+/, 4);
        primary.child.kill(signal);
        const answers = await Promise.all(slow);
        assert.deepEqual(
          answers.map((a) => a.status),
          [200, 200, 200, 200],
        );
        const { code } = await primary.exited;
        assert.equal(code, 0, primary.output);
        assert.match(primary.stderr, new RegExp(`${signal}: draining 2 workers`));
        for (const pid of pids) assert.equal(alive(pid), false, `worker ${pid} is gone`);
        await assert.rejects(get(port), /ECONNREFUSED/);
      });
    });

    test(`${style} main: a worker killed under load comes back, and the service keeps answering`, async () => {
      await withCluster({ STYLE: style, WORKERS: '2' }, async (primary) => {
        const { port, pids } = await primary.listening(2);
        // node:cluster's round-robin loses the connection it was handing to the worker as it
        // died: that client waits for its timeout (see docs/cluster.md), here 5 s.
        const traffic = load(port, 3, 5000);
        await eventually('requests flow', () => traffic.ok >= 10);
        process.kill(pids[0] as number, 'SIGKILL');
        await primary.waitFor(/exited unexpectedly \(killed by SIGKILL\)/);
        const [, , third] = await primary.waitFor(/listening (\d+) (\d+)/, 3);
        const fresh = (third as RegExpMatchArray)[2] as string;
        const before = traffic.ok;
        await eventually(
          'the new worker answers, and so does the service',
          () => (traffic.answers.get(fresh) ?? 0) > 0 && traffic.ok >= before + 20,
          20_000,
        );
        await traffic.stop();
        // Only requests handed to the worker as it died may fail; the rest were answered.
        assert.ok(
          traffic.failures.length <= 10,
          `${traffic.failures.length} failures: ${traffic.failures.join('; ')}`,
        );
      });
    });

    test(`${style} main: a worker that crashes at start-up ends in a crash-loop stop, exit 1, naming its error`, async () => {
      await withCluster({ STYLE: style, WORKERS: '1', CRASH: 'startup' }, async (primary) => {
        const { code } = await primary.exited;
        assert.equal(code, 1);
        assert.match(
          primary.stderr,
          /crash loop: 5 unexpected worker exits within 60000 ms; the cluster stops\. The last one, worker \d+ \(pid \d+\) \(exit code 1\), failed with: Error: cannot start: the configuration is missing/,
        );
        assert.match(primary.stderr, /restarting it in 50 ms/);
        assert.match(primary.stderr, /restarting it in 100 ms/);
        assert.match(primary.stderr, /restarting it in 400 ms/);
      });
    });
  }

  test('SIGHUP replaces every worker, one at a time, and no request fails', async () => {
    await withCluster({ WORKERS: '2' }, async (primary) => {
      const { port, pids } = await primary.listening(2);
      const traffic = load(port, 2);
      await eventually('requests flow', () => traffic.ok >= 10);
      primary.child.kill('SIGHUP');
      await primary.waitFor(/rolling restart done/, 1, 30_000);
      await eventually('the old workers have exited', () => pids.every((pid) => !alive(pid)));
      const fresh = (await primary.waitFor(/listening \d+ (\d+)/, 4)).slice(2).map((m) => m[1]);
      const before = traffic.ok;
      await eventually('the new workers answer', () => traffic.ok >= before + 10);
      await traffic.stop();
      assert.deepEqual(traffic.failures, []);
      assert.ok(
        fresh.some((pid) => traffic.answers.has(pid as string)),
        'the new workers answered',
      );
      assert.match(primary.stderr, /worker 3 replaces worker \d; draining worker \d/);
      assert.match(primary.stderr, /worker 4 replaces worker \d; draining worker \d/);
      primary.child.kill('SIGTERM');
      assert.equal((await primary.exited).code, 0, primary.output);
    });
  });

  test('SIGTERM while the workers still start up drains them too, and exits 0', async () => {
    await withCluster({ WORKERS: '2', GRACE_MS: '1000' }, async (primary) => {
      await primary.waitFor(/starting 2 workers/);
      primary.child.kill('SIGTERM');
      const { code } = await primary.exited;
      assert.equal(code, 0, primary.output);
      assert.doesNotMatch(primary.stderr, /did not exit|killing/);
    });
  });

  test('workers exit when the primary is killed with SIGKILL (no orphans)', async () => {
    await withCluster({ WORKERS: '2' }, async (primary) => {
      const { pids } = await primary.listening(2);
      primary.child.kill('SIGKILL');
      await primary.exited;
      await eventually('every worker has exited', () => pids.every((pid) => !alive(pid)));
    });
  });

  test('a second SIGTERM kills the workers at once and exits 143', async () => {
    await withCluster({ WORKERS: '1', GRACE_MS: '60000' }, async (primary) => {
      const { port, pids } = await primary.listening(1);
      const slow = get(port, '/slow?ms=60000').catch((error: Error) => error);
      await primary.waitFor(/started \d+/);
      primary.child.kill('SIGTERM');
      await primary.waitFor(/draining 1 workers/);
      primary.child.kill('SIGTERM');
      const { code } = await primary.exited;
      assert.equal(code, 143);
      assert.match(primary.stderr, /SIGTERM again: killing 1 workers/);
      assert.ok((await slow) instanceof Error, 'the request in flight was cut');
      await eventually('the worker has exited', () => pids.every((pid) => !alive(pid)));
    });
  });

  test('with restart: false, a worker that dies stops the cluster with exit 1', async () => {
    await withCluster({ WORKERS: '2', RESTART: 'off' }, async (primary) => {
      const { pids } = await primary.listening(2);
      process.kill(pids[1] as number, 'SIGKILL');
      const { code } = await primary.exited;
      assert.equal(code, 1);
      assert.match(
        primary.stderr,
        /worker \d \(pid \d+\) exited unexpectedly and restart is off; its last error: killed by SIGKILL, no error reported/,
      );
      await eventually('the other worker has drained', () => pids.every((pid) => !alive(pid)));
    });
  });

  test('an error thrown outside any task reaches the primary, which names it', async () => {
    await withCluster({ WORKERS: '1', RESTART: 'off', CRASH: 'uncaught' }, async (primary) => {
      const { code } = await primary.exited;
      assert.equal(code, 1);
      assert.match(
        primary.stderr,
        /exited unexpectedly and restart is off; its last error: Error: a library callback failed outside any task/,
      );
    });
  });

  const unsupported = reusePortUnsupported();
  test(
    unsupported === null
      ? 'reusePort: each worker binds the port itself and both answer'
      : `reusePort on this node: a clear error (${unsupported})`,
    async () => {
      const port = await freePort();
      await withCluster({ WORKERS: '2', REUSE_PORT: '1', PORT: String(port) }, async (primary) => {
        if (unsupported !== null) {
          const { code } = await primary.exited;
          assert.equal(code, 1);
          assert.match(
            primary.stderr,
            /options\.reusePort cannot be used here: node .* has no reusePort option/,
          );
          return;
        }
        const { pids } = await primary.listening(2);
        const seen = new Set<string>();
        for (let i = 0; i < 100 && seen.size < 2; i++) seen.add((await get(port)).body.trim());
        assert.deepEqual([...seen].map(Number).sort(), [...pids].sort());
        primary.child.kill('SIGTERM');
        assert.equal((await primary.exited).code, 0, primary.output);
      });
    },
  );
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
