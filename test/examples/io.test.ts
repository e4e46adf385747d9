// The I/O examples (examples/echo-server, chat-server, crawler): each runs as a user would
// run it, against real sockets on 127.0.0.1, including malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as spawnChild } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect, run, sleep, taskGroup, type Stream, type TcpServer } from '../../src/index.js';
import { serveEcho, MAX_LINE } from '../../examples/echo-server/server.js';
import { ChatRoom, serveChat, OUTBOX } from '../../examples/chat-server/server.js';
import { crawlerDemo } from '../../examples/crawler/crawler.js';

const LOCAL = '127.0.0.1';

async function lines(stream: Stream, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await stream.readUntil('\n')).toString());
  return out;
}

test('echo-server echoes each line, and a last line without a newline', async () => {
  await run(async () =>
    taskGroup(async (g) => {
      const server = await g.start<TcpServer>(async (started) => started(await serveEcho(0)));
      const client = await connect(server.port, LOCAL);
      await client.write('one\ntw');
      await client.write('o\nthree');
      await client.closeWrite();
      assert.deepEqual(await lines(client, 2), ['one\n', 'two\n']);
      assert.equal((await client.read())?.toString(), 'three');
      assert.equal(await client.read(), null);
      await client.close();
      await server.close();
    }),
  );
});

test('echo-server answers a line over the limit with an error and disconnects; others are unaffected', async () => {
  await run(async () =>
    taskGroup(async (g) => {
      const server = await g.start<TcpServer>(async (started) => started(await serveEcho(0)));
      const good = await connect(server.port, LOCAL);
      const bad = await connect(server.port, LOCAL);
      await bad.write(Buffer.alloc(MAX_LINE * 4, 0xff)); // binary garbage, no newline
      assert.match(
        (await bad.readUntil('\n')).toString(),
        /^error: lines are limited to 1024 bytes/,
      );
      let end: unknown;
      try {
        end = await bad.read();
      } catch (error) {
        end = (error as NodeJS.ErrnoException).code; // the server may reset it: unread bytes
      }
      assert.ok(end === null || end === 'ECONNRESET', String(end));
      await good.write('still here\n');
      assert.deepEqual(await lines(good, 1), ['still here\n']);
      await good.close();
      await bad.close();
      await server.close();
    }),
  );
});

test('echo-server runs as a program and stops on SIGINT', async () => {
  const program = fileURLToPath(new URL('../../examples/echo-server/server.js', import.meta.url));
  const child = spawnChild(process.execPath, [program, '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const banner = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d) => resolve(String(d))),
  );
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(banner)?.[1]);
  await run(async () => {
    const client = await connect(port, LOCAL);
    await client.write('ping\n');
    assert.deepEqual(await lines(client, 1), ['ping\n']);
    child.kill('SIGINT');
    assert.equal(await client.read(), null, 'the server closed the connection');
    await client.close();
  });
  assert.equal(await exited, 0);
});

test('chat-server broadcasts to every other client, and a slow client is dropped without stalling the others', async () => {
  const room = new ChatRoom();
  await run(async () =>
    taskGroup(async (g) => {
      const server = await g.start<TcpServer>(async (started) =>
        started(await serveChat(0, LOCAL, room)),
      );
      const join = async (name: string): Promise<Stream> => {
        const s = await connect(server.port, LOCAL);
        await s.readUntil('name? ');
        await s.write(`${name}\n`);
        assert.equal((await s.readUntil('\n')).toString(), `welcome, ${name}\n`);
        return s;
      };
      const alice = await join('alice');
      const bob = await join('bob');
      const slow = await join('slow'); // never reads again
      assert.deepEqual(await lines(alice, 2), ['* bob joined\n', '* slow joined\n']);
      assert.deepEqual(await lines(bob, 1), ['* slow joined\n']);
      // Far more than the slow client's socket buffers and outbox can hold.
      const n = 40_000;
      const text = 'x'.repeat(400);
      const reader = g.spawn(async () => lines(bob, n));
      for (let i = 0; i < n; i++) await alice.write(`${i} ${text}\n`);
      const got = await reader;
      assert.equal(got.length, n);
      assert.equal(got[n - 1], `alice: ${n - 1} ${text}\n`);
      assert.deepEqual(room.dropped, ['slow']);
      assert.ok(OUTBOX < n);
      for (const s of [alice, bob, slow]) s.destroy();
      await sleep(20);
      await server.close({ graceMs: 1000 });
    }),
  );
});

test('chat-server rejects malformed names and over-long lines with an error line', async () => {
  await run(async () =>
    taskGroup(async (g) => {
      const server = await g.start<TcpServer>(async (started) =>
        started(await serveChat(0, LOCAL)),
      );
      const bad = await connect(server.port, LOCAL);
      await bad.readUntil('name? ');
      await bad.write('no spaces allowed\n');
      assert.match((await bad.readUntil('\n')).toString(), /^error: a name is/);
      assert.equal(await bad.read(), null);
      await bad.close();
      const long = await connect(server.port, LOCAL);
      await long.readUntil('name? ');
      await long.write('carol\n');
      await long.readUntil('\n');
      await long.write('y'.repeat(5000) + '\n');
      assert.match((await long.readUntil('\n')).toString(), /^error: lines are limited/);
      long.destroy();
      await server.close({ graceMs: 1000 });
    }),
  );
});

test('crawler: concurrency stays within the limit, and every timed-out request is aborted on the server too', async () => {
  const printed: string[] = [];
  const { report, stats } = await crawlerDemo((line) => printed.push(line), {
    pages: 60,
    concurrency: 8,
    // Far beyond a normal page even on a busy machine, far below a slow one: only the slow
    // pages time out (a normal page finishing at its client's deadline would be a race).
    timeoutMs: 1500,
    slowEvery: 7,
    slowMs: 60_000,
  });
  assert.ok(report.timedOut > 0);
  assert.equal(report.failed, 0);
  assert.ok(report.peakInFlight <= 8);
  assert.equal(stats.served, report.ok);
  assert.equal(
    stats.abortedOnServer,
    report.timedOut,
    'each timed-out request was cancelled on the server',
  );
  assert.equal(printed.length, 2);
});
