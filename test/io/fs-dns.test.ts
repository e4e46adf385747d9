import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as spawnChild, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeDns from 'node:dns/promises';
import { CancelledError, dns, fs, moveOnAfter, run, spawn, sleep, until } from '../../src/index.js';
import { settle, styles } from './helpers.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'simul-fs-'));
}

test('fs operations are typed from node:fs/promises, overloads included, and work in both styles', async () => {
  const dir = tempDir();
  try {
    for (const style of styles) {
      const file = join(dir, `${style}.txt`);
      const got = await run(
        style === 'async'
          ? async () => {
              await fs.writeFile(file, 'héllo');
              const text: string = await fs.readFile(file, 'utf8');
              const bytes: Buffer = await fs.readFile(file);
              const size: number = (await fs.stat(file)).size;
              const names: string[] = await fs.readdir(dir);
              return { text, bytes: bytes.length, size, names };
            }
          : function* () {
              yield* fs.writeFile(file, 'héllo');
              const text: string = yield* fs.readFile(file, { encoding: 'utf8' });
              const bytes: Buffer = yield* fs.readFile(file);
              const size: number = (yield* fs.stat(file)).size;
              const names: string[] = yield* fs.readdir(dir);
              return { text, bytes: bytes.length, size, names };
            },
      );
      assert.equal(got.text, 'héllo', style);
      assert.equal(got.bytes, 6);
      assert.equal(got.size, 6);
      assert.ok(got.names.includes(`${style}.txt`));
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('fs errors come through as node reports them (ENOENT)', async () => {
  const error = await run(() => settle(fs.readFile('/no/such/file')));
  assert.equal((error as NodeJS.ErrnoException).code, 'ENOENT');
});

test('a cancelled fs.readFile stops reading: the writer of an endless FIFO gets a broken pipe', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'endless');
  try {
    spawnSync('mkfifo', [fifo]);
    for (const style of styles) {
      // The writer writes forever; it only stops (SIGPIPE) once nobody reads the FIFO any more.
      const writer = spawnChild('sh', [
        '-c',
        `while :; do echo xxxxxxxx; sleep 0.005; done > ${fifo}`,
      ]);
      const writerGone = new Promise<string | null>((resolve) =>
        writer.on('exit', (_code, signal) => resolve(signal)),
      );
      const got = await run(
        style === 'async'
          ? async () => moveOnAfter(100, () => fs.readFile(fifo))
          : function* () {
              return yield* moveOnAfter(100, () => fs.readFile(fifo));
            },
      );
      assert.equal(got, undefined, style);
      assert.equal(await writerGone, 'SIGPIPE', style);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a file handle opened after its caller was cancelled is closed, not leaked', async () => {
  const dir = tempDir();
  try {
    const file = join(dir, 'f');
    await run(async () => {
      await fs.writeFile(file, 'x');
      const before = (await fs.readdir('/proc/self/fd')).length;
      const task = spawn(() => fs.open(file));
      task.cancel();
      assert.ok((await settle(task)) instanceof CancelledError);
      await sleep(50); // the open completes in node's thread pool; then it is closed
      assert.equal((await fs.readdir('/proc/self/fd')).length, before);
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});

/** A DNS server on 127.0.0.1 that answers A queries with 10.1.2.3, or stays silent. */
async function fakeDns(
  answer: boolean,
): Promise<{ port: number; queries: () => number; close: () => void }> {
  const socket = dgram.createSocket('udp4');
  let queries = 0;
  socket.on('message', (msg, rinfo) => {
    queries++;
    if (!answer) return;
    let end = 12;
    while (msg[end] !== 0) end += msg[end] + 1;
    const question = msg.subarray(12, end + 5);
    const header = Buffer.from([msg[0], msg[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
    socket.send(Buffer.concat([header, question, record]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, queries: () => queries, close: () => socket.close() };
}

test('dns.resolve4 queries the default servers, in both styles', async () => {
  const server = await fakeDns(true);
  const servers = nodeDns.getServers();
  nodeDns.setServers([`127.0.0.1:${server.port}`]);
  try {
    for (const style of styles) {
      const got = await run(
        style === 'async'
          ? async () => dns.resolve4('service.test')
          : function* () {
              return yield* dns.resolve4('service.test');
            },
      );
      assert.deepEqual(got, ['10.1.2.3'], style);
    }
  } finally {
    nodeDns.setServers(servers);
    server.close();
  }
});

test('a cancelled dns query ends its wait at once and cancels the query', async () => {
  const server = await fakeDns(false);
  const servers = nodeDns.getServers();
  nodeDns.setServers([`127.0.0.1:${server.port}`]);
  try {
    const got = await run(async () => {
      const t0 = Date.now();
      const result = await moveOnAfter(100, () => dns.resolve4('silent.test'));
      await until(new Promise((resolve) => setTimeout(resolve, 20)));
      return { result, elapsed: Date.now() - t0 };
    });
    assert.equal(got.result, undefined);
    assert.equal(server.queries(), 1);
    assert.ok(got.elapsed < 4000, 'not the resolver timeout');
  } finally {
    nodeDns.setServers(servers);
    server.close();
  }
});

test('dns.lookup of localhost works in both styles', async () => {
  for (const style of styles) {
    const got = await run(
      style === 'async'
        ? async () => dns.lookup('localhost', { family: 4 })
        : function* () {
            return yield* dns.lookup('localhost', { family: 4 });
          },
    );
    assert.equal(got.address, '127.0.0.1', style);
  }
});
