// Beyond one machine: two `simul serve` instances (each a cluster of two workers) behind a
// real nginx, configured by examples/cluster/nginx.conf with free loopback ports. Requests
// are spread over both instances, and killing one instance (its primary, with SIGKILL: its
// workers follow) loses no request, since nginx retries it on the other. Needs Debian's
// nginx package, which .ci/run installs; where nginx cannot be had, the test says it skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, eventually, get, Program, startServe } from '../cluster/helpers.js';

const app = fileURLToPath(new URL('../../examples/cluster/app.js', import.meta.url));
const config = fileURLToPath(new URL('../../../examples/cluster/nginx.conf', import.meta.url));

function findNginx(): string | null {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  return found === '' ? null : found;
}

const nginx = findNginx();
const skip =
  nginx === null
    ? 'SKIPPED: nginx is not installed. Get it with `apt-get install -y nginx` (Debian; .ci/run does this), then run the tests again'
    : false;

test(
  'two cluster instances behind nginx: requests spread over both; killing one loses none',
  { skip },
  async () => {
    const [front, portA, portB] = await freePorts(3);
    const dir = mkdtempSync(join(tmpdir(), 'simul-nginx-'));
    mkdirSync(join(dir, 'tmp'));
    writeFileSync(
      join(dir, 'nginx.conf'),
      readFileSync(config, 'utf8')
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${front}`)
        .replaceAll('127.0.0.1:8081', `127.0.0.1:${portA}`)
        .replaceAll('127.0.0.1:8082', `127.0.0.1:${portB}`),
    );
    const a = startServe([app, '--workers', '2'], { PORT: String(portA), INSTANCE: 'a' });
    const b = startServe([app, '--workers', '2'], { PORT: String(portB), INSTANCE: 'b' });
    const proxy = new Program(
      spawn(
        nginx as string,
        ['-p', dir, '-e', 'stderr', '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    );
    try {
      await a.waitFor(/listening on/, 2);
      await b.waitFor(/listening on/, 2);
      const workersA = (await a.waitFor(/worker (\d+) listening/, 2)).map((m) => Number(m[1]));
      await eventually('nginx answers', () => proxy.child.exitCode === null, 1000);
      await retry(() => get(front as number));

      const seen = new Set<string>();
      for (let i = 0; i < 40 && seen.size < 2; i++) {
        const { status, body } = await get(front as number);
        assert.equal(status, 200);
        seen.add(body.split(' ')[1] as string);
      }
      assert.deepEqual([...seen].sort(), ['a', 'b'], 'both instances served requests');

      // Traffic through nginx while instance a dies.
      const statuses: (number | string)[] = [];
      let running = true;
      const loops = Array.from({ length: 3 }, async () => {
        while (running) {
          try {
            const { status, body } = await get(front as number);
            statuses.push(status === 200 ? (body.split(' ')[1] as string) : status);
          } catch (error) {
            statuses.push((error as Error).message);
          }
        }
      });
      await eventually('requests flow', () => statuses.length >= 20);
      a.child.kill('SIGKILL');
      await a.exited;
      await eventually('instance a is gone', () => workersA.every((pid) => !alive(pid)));
      const after = statuses.length;
      await eventually('requests flow on', () => statuses.length >= after + 40, 20_000);
      running = false;
      await Promise.all(loops);
      const failed = statuses.filter((s) => s !== 'a' && s !== 'b');
      assert.deepEqual(failed, [], 'no request failed');
      assert.ok(
        statuses.slice(after).every((s) => s === 'b'),
        'b answers everything after',
      );
    } finally {
      await a.kill();
      b.child.kill('SIGTERM');
      proxy.child.kill('SIGQUIT');
      const [bExit] = await Promise.all([b.exited, proxy.exited]);
      rmSync(dir, { recursive: true, force: true });
      assert.equal(bExit.code, 0, b.output);
    }
  },
);

async function retry<T>(work: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer().listen(0, '127.0.0.1', () => resolve(server));
          server.on('error', reject);
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
