import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  abortSignal,
  moveOnAfter,
  run,
  serveHttp,
  sleep,
  taskGroup,
  until,
  type HttpServer,
  type Operation,
  type TaskGroup,
} from '../../src/index.js';
import { LOCAL, settle, styles } from './helpers.js';

/** Starts `handler` on a fresh server inside group `g` and returns the server. */
function start(
  g: TaskGroup,
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  onError?: (error: unknown) => void,
): Operation<HttpServer> {
  return g.start<HttpServer>(async (started) =>
    started(await serveHttp({ port: 0, host: LOCAL, onError }, handler)),
  );
}

function get(port: number, path = '/'): Promise<{ status: number; body: string }> {
  return fetch(`http://${LOCAL}:${port}${path}`).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));
}

test("each request runs its handler in a task; the platform's fetch with abortSignal() reaches it", async () => {
  for (const style of styles) {
    const got = await run(async () =>
      taskGroup(async (g) => {
        const server = await start(
          g,
          style === 'async'
            ? async (req, res) => {
                await sleep(5);
                res.end(`hello ${req.url}`);
              }
            : function* (req, res) {
                yield* sleep(5);
                res.end(`hello ${req.url}`);
              },
        );
        const replies = await Promise.all(
          ['/a', '/b', '/c'].map((path) =>
            until((signal) =>
              fetch(`http://${LOCAL}:${server.port}${path}`, { signal }).then((r) => r.text()),
            ),
          ),
        );
        await server.close();
        return replies;
      }),
    );
    assert.deepEqual(got, ['hello /a', 'hello /b', 'hello /c'], style);
  }
});

test('a handler that throws answers 500 once and is reported; the server goes on', async () => {
  for (const style of styles) {
    const reported: unknown[] = [];
    const got = await run(async () =>
      taskGroup(async (g) => {
        const server = await start(
          g,
          style === 'async'
            ? async (req, res) => {
                if (req.url === '/boom') throw new Error('handler failed');
                res.end('fine');
              }
            : function* (req, res) {
                if (req.url === '/boom') throw new Error('handler failed');
                res.end('fine');
              },
          (error) => reported.push(error),
        );
        const boom = await until(get(server.port, '/boom'));
        const fine = await until(get(server.port, '/ok'));
        await server.close();
        return { boom, fine };
      }),
    );
    assert.deepEqual(got.boom, { status: 500, body: 'Internal Server Error\n' }, style);
    assert.deepEqual(got.fine, { status: 200, body: 'fine' });
    assert.equal(reported.length, 1);
    assert.equal((reported[0] as Error).message, 'handler failed');
  }
});

test('a client that disconnects mid-request cancels its handler: its finally runs, its abortSignal aborts', async () => {
  for (const style of styles) {
    const log: string[] = [];
    await run(async () =>
      taskGroup(async (g) => {
        const server = await start(
          g,
          style === 'async'
            ? async (_req, res) => {
                const signal = abortSignal();
                try {
                  await sleep(30_000);
                  res.end('too late');
                } finally {
                  log.push(`finally, aborted=${signal.aborted}`);
                }
              }
            : function* (_req, res) {
                const signal = abortSignal();
                try {
                  yield* sleep(30_000);
                  res.end('too late');
                } finally {
                  log.push(`finally, aborted=${signal.aborted}`);
                }
              },
        );
        // Held until the fetch is over: node 20 may collect a timeout signal that only
        // AbortSignal.any refers to, and then it never fires (nodejs/node#57736).
        const timeout = AbortSignal.timeout(100);
        const outcome = await settle(
          until((signal) =>
            fetch(`http://${LOCAL}:${server.port}/`, {
              signal: AbortSignal.any([signal, timeout]),
            }),
          ),
        );
        log.push(
          `client: ${(outcome as Error).name}`,
          ...(timeout.aborted ? [] : ['(no timeout)']),
        );
        await sleep(100);
        log.push(`handlers left: ${server.connections}`);
        await server.close();
      }),
    );
    assert.deepEqual(
      log,
      ['client: TimeoutError', 'finally, aborted=true', 'handlers left: 0'],
      style,
    );
  }
});

test('a handler that returns without ending its response has it ended', async () => {
  const got = await run(async () =>
    taskGroup(async (g) => {
      const server = await start(g, async (_req, res) => {
        res.statusCode = 204;
      });
      const reply = await until(get(server.port));
      await server.close();
      return reply;
    }),
  );
  assert.deepEqual(got, { status: 204, body: '' });
});

test('close({ graceMs }) lets in-flight requests finish, cancels the rest after the grace period, and idle keep-alive connections do not hold it open', async () => {
  const log: string[] = [];
  await run(async () =>
    taskGroup(async (g) => {
      const server = await start(g, async (req, res) => {
        try {
          await sleep(req.url === '/quick' ? 50 : 60_000);
          res.end(req.url);
        } finally {
          log.push(`${req.url} handler done`);
        }
      });
      const agent = new http.Agent({ keepAlive: true });
      const request = (path: string) =>
        new Promise<string>((resolve) => {
          http
            .get({ host: LOCAL, port: server.port, path, agent }, (res) => {
              let body = '';
              res.on('data', (d) => (body += d));
              res.on('end', () => resolve(`${res.statusCode} ${body}`));
            })
            .on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
        });
      // An idle keep-alive connection first.
      log.push(`warm-up: ${await until(request('/quick'))}`);
      const quick = request('/quick');
      const slow = request('/slow');
      await sleep(20);
      const closed = await moveOnAfter(5_000, async () => {
        await server.close({ graceMs: 300 });
        return 'closed';
      });
      log.push(`close: ${closed}`);
      log.push(`quick: ${await until(quick)}`);
      log.push(`slow: ${await until(slow)}`);
      agent.destroy();
    }),
  );
  assert.deepEqual(log, [
    '/quick handler done',
    'warm-up: 200 /quick',
    '/quick handler done',
    '/slow handler done',
    'close: closed',
    'quick: 200 /quick',
    'slow: ECONNRESET',
  ]);
});

test('a connection accepted before close() whose first request comes after it is served, not refused', async () => {
  for (const style of styles) {
    const log: string[] = [];
    await run(async () =>
      taskGroup(async (g) => {
        const server = await start(
          g,
          style === 'async'
            ? async (req, res) => {
                await sleep(5);
                res.end(`served ${req.url}`);
              }
            : function* (req, res) {
                yield* sleep(5);
                res.end(`served ${req.url}`);
              },
        );
        const socket = net.connect(server.port, LOCAL);
        let reply = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
        const ended = new Promise((resolve) => socket.on('close', resolve));
        // Wait until node has accepted the connection (a test-only peek at the net server).
        const netServer = (server as unknown as { netServer: net.Server }).netServer;
        const accepted = (): Promise<number> =>
          new Promise((resolve, reject) =>
            netServer.getConnections((error, count) => (error ? reject(error) : resolve(count))),
          );
        while ((await until(accepted())) === 0) await sleep(5);
        const closing = server.close({ graceMs: 1000 });
        socket.write('GET /late HTTP/1.1\r\nHost: test\r\n\r\n');
        await closing;
        await until(ended);
        log.push(reply.split('\r\n')[0] as string, reply.slice(reply.indexOf('\r\n\r\n') + 4));
      }),
    );
    assert.deepEqual(log, ['HTTP/1.1 200 OK', 'served /late'], style);
  }
});

test('arguments are validated', async () => {
  assert.throws(
    () => serveHttp({ port: 0, keepAlive: 1 } as never, () => {}),
    /unknown option "keepAlive"/,
  );
  assert.throws(
    () => serveHttp(null as never, () => {}),
    /serveHttp\(options, handler\): options must be an object/,
  );
  assert.throws(
    () => serveHttp({ port: 0 }, null as never),
    /handler must be a function, got null/,
  );
  assert.throws(
    () => serveHttp({ port: 70000 }, () => {}),
    /options.port must be an integer from 0 to 65535/,
  );
});
