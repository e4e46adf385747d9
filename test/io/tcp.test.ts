import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  Barrier,
  BusyResourceError,
  CancelledError,
  ClosedResourceError,
  connect,
  IncompleteReadError,
  LimitOverrunError,
  listen,
  moveOnAfter,
  run,
  sleep,
  spawn,
  Stream,
  taskGroup,
  until,
  abortSignal,
  type TcpServer,
} from '../../src/index.js';
import { LOCAL, settle, styles } from './helpers.js';

/** A raw node:net server for the client-side tests: `onSocket` gets each accepted socket. */
async function rawServer(onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  await new Promise<void>((resolve) => server.listen(0, LOCAL, resolve));
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

test('an echo round trip: write, readUntil, closeWrite, then read() returns null at the end', async () => {
  for (const style of styles) {
    const got = await run(
      style === 'async'
        ? async () =>
            taskGroup(async (g) => {
              const server = await g.start<TcpServer>(async (started) => {
                started(
                  await listen({ port: 0, host: LOCAL }, async (stream) => {
                    for await (const chunk of stream) await stream.write(chunk);
                  }),
                );
              });
              const stream = await connect(server.port, LOCAL);
              await stream.write('hello\nworld\n');
              const first = (await stream.readUntil('\n')).toString();
              const second = (await stream.readUntil(Buffer.from('\n'))).toString();
              await stream.closeWrite();
              const end = await stream.read();
              await stream.close();
              await server.close();
              return [first, second, end];
            })
        : function* () {
            return yield* taskGroup(function* (g) {
              const server: TcpServer = yield* g.start<TcpServer>(function* (started) {
                started(
                  yield* listen({ port: 0, host: LOCAL }, function* (stream) {
                    let chunk: Buffer | null;
                    while ((chunk = yield* stream.read()) !== null) yield* stream.write(chunk);
                  }),
                );
              });
              const stream = yield* connect(server.port, LOCAL);
              yield* stream.write('hello\nworld\n');
              const first = (yield* stream.readUntil('\n')).toString();
              const second = (yield* stream.readUntil(Buffer.from('\n'))).toString();
              yield* stream.closeWrite();
              const end = yield* stream.read();
              yield* stream.close();
              yield* server.close();
              return [first, second, end];
            });
          },
    );
    assert.deepEqual(got, ['hello\n', 'world\n', null], style);
  }
});

test('readExactly throws IncompleteReadError carrying the partial bytes when the peer ends early', async () => {
  const server = await rawServer((socket) => socket.end('abc'));
  try {
    for (const style of styles) {
      const error = await run(
        style === 'async'
          ? async () => {
              const stream = await connect(portOf(server), LOCAL);
              try {
                return await settle(stream.readExactly(5));
              } finally {
                await stream.close();
              }
            }
          : function* () {
              const stream = yield* connect(portOf(server), LOCAL);
              try {
                yield* stream.readExactly(5);
              } catch (e) {
                return e;
              } finally {
                yield* stream.close();
              }
            },
      );
      assert.ok(error instanceof IncompleteReadError, style);
      assert.equal(error.partial.toString(), 'abc');
      assert.equal(error.expected, 5);
      assert.equal(error.code, 'ERR_SIMUL_INCOMPLETE_READ');
    }
  } finally {
    server.close();
  }
});

test('readUntil throws LimitOverrunError on a line longer than the limit, and the bytes stay readable', async () => {
  const server = await rawServer((socket) => socket.end('x'.repeat(100) + '\nrest'));
  try {
    for (const style of styles) {
      const got = await run(
        style === 'async'
          ? async () => {
              const stream = await connect(portOf(server), LOCAL);
              const error = await settle(stream.readUntil('\n', { limit: 50 }));
              const all = await stream.readExactly(105);
              const end = await stream.read();
              await stream.close();
              return { error, all: all.toString(), end };
            }
          : function* () {
              const stream = yield* connect(portOf(server), LOCAL);
              let error: unknown;
              try {
                yield* stream.readUntil('\n', { limit: 50 });
              } catch (e) {
                error = e;
              }
              const all = yield* stream.readExactly(105);
              const end = yield* stream.read();
              yield* stream.close();
              return { error, all: all.toString(), end };
            },
      );
      assert.ok(got.error instanceof LimitOverrunError, style);
      assert.equal(got.error.limit, 50);
      assert.equal(got.all, 'x'.repeat(100) + '\nrest');
      assert.equal(got.end, null);
    }
  } finally {
    server.close();
  }
});

test('readUntil at the end of the stream without a separator throws IncompleteReadError with the tail', async () => {
  const server = await rawServer((socket) => socket.end('line\ntail'));
  try {
    const got = await run(async () => {
      const stream = await connect(portOf(server), LOCAL);
      const line = (await stream.readUntil('\n')).toString();
      const error = await settle(stream.readUntil('\n'));
      await stream.close();
      return { line, error };
    });
    assert.equal(got.line, 'line\n');
    assert.ok(got.error instanceof IncompleteReadError);
    assert.equal(got.error.partial.toString(), 'tail');
    assert.equal(got.error.expected, null);
  } finally {
    server.close();
  }
});

test('a second concurrent read of one stream throws BusyResourceError; the first read is unharmed', async () => {
  let peer: net.Socket | undefined;
  const server = await rawServer((socket) => (peer = socket));
  try {
    for (const style of styles) {
      const got = await run(
        style === 'async'
          ? async () => {
              const stream = await connect(portOf(server), LOCAL);
              const first = spawn(() => stream.read());
              await sleep(20);
              const second = await settle(stream.read());
              peer!.write('data');
              const data = (await first)!.toString();
              await stream.close();
              return { second, data };
            }
          : function* () {
              const stream = yield* connect(portOf(server), LOCAL);
              const first = spawn(() => stream.read());
              yield* sleep(20);
              let second: unknown;
              try {
                yield* stream.read();
              } catch (e) {
                second = e;
              }
              peer!.write('data');
              const data = (yield* first)!.toString();
              yield* stream.close();
              return { second, data };
            },
      );
      assert.ok(got.second instanceof BusyResourceError, style);
      assert.match(got.second.message, /another task is already reading/);
      assert.equal(got.data, 'data');
    }
  } finally {
    server.close();
  }
});

test('a second concurrent write while the first waits for a slow peer throws BusyResourceError', async () => {
  const server = await rawServer((socket) => socket.pause()); // never reads
  try {
    for (const style of styles) {
      const got = await run(
        style === 'async'
          ? async () => {
              const stream = await connect(portOf(server), LOCAL);
              const big = Buffer.alloc(32 * 1024 * 1024);
              const writer = spawn(() => stream.write(big));
              await sleep(50);
              const second = await settle(stream.write('more'));
              writer.cancel();
              await settle(writer);
              const buffered = stream.writableLength;
              stream.destroy(); // close() would wait for the peer to take the 32 MiB
              return { second, buffered };
            }
          : function* () {
              const stream = yield* connect(portOf(server), LOCAL);
              const big = Buffer.alloc(32 * 1024 * 1024);
              const writer = spawn(() => stream.write(big));
              yield* sleep(50);
              let second: unknown;
              try {
                yield* stream.write('more');
              } catch (e) {
                second = e;
              }
              writer.cancel();
              const buffered = stream.writableLength;
              stream.destroy();
              return { second, buffered };
            },
      );
      assert.ok(got.second instanceof BusyResourceError, style);
      assert.ok(got.buffered > 0, 'the big write waits in the buffer for the slow peer');
    }
  } finally {
    server.close();
  }
});

test('a read cancelled by a deadline loses no byte: the next read gets everything', async () => {
  let peer: net.Socket | undefined;
  const server = await rawServer((socket) => (peer = socket));
  try {
    const got = await run(async () => {
      const stream = await connect(portOf(server), LOCAL);
      await until(new Promise((resolve) => setTimeout(resolve, 20)));
      peer!.write('part');
      const timedOut = await moveOnAfter(50, () => stream.readUntil('\n'));
      peer!.write('ial\n');
      const line = (await stream.readUntil('\n')).toString();
      await stream.close();
      return { timedOut, line };
    });
    assert.equal(got.timedOut, undefined);
    assert.equal(got.line, 'partial\n');
  } finally {
    server.close();
  }
});

test('a handler that throws is reported and closes only its own connection; the server and the other connections go on', async () => {
  for (const style of styles) {
    const reported: unknown[] = [];
    const got = await run(async () =>
      taskGroup(async (g) => {
        const server = await g.start<TcpServer>(async (started) => {
          started(
            await listen(
              { port: 0, host: LOCAL, onError: (error) => reported.push(error) },
              style === 'async'
                ? async (stream: Stream) => {
                    const line = (await stream.readUntil('\n')).toString();
                    if (line === 'boom\n') throw new Error('handler failed');
                    await stream.write(`ok ${line}`);
                  }
                : function* (stream: Stream) {
                    const line = (yield* stream.readUntil('\n')).toString();
                    if (line === 'boom\n') throw new Error('handler failed');
                    yield* stream.write(`ok ${line}`);
                  },
            ),
          );
        });
        const good = await connect(server.port, LOCAL);
        const bad = await connect(server.port, LOCAL);
        await bad.write('boom\n');
        const badEnd = await settle(bad.read());
        await good.write('fine\n');
        const reply = (await good.readUntil('\n')).toString();
        await good.close();
        await bad.close();
        const third = await connect(server.port, LOCAL);
        await third.write('again\n');
        const again = (await third.readUntil('\n')).toString();
        await third.close();
        await server.close();
        return { badEnd, reply, again };
      }),
    );
    assert.equal(reported.length, 1, style);
    assert.equal((reported[0] as Error).message, 'handler failed');
    assert.ok(got.badEnd === null || (got.badEnd as NodeJS.ErrnoException).code === 'ECONNRESET');
    assert.equal(got.reply, 'ok fine\n');
    assert.equal(got.again, 'ok again\n');
  }
});

test('close({ graceMs }) lets a handler that finishes in time finish, and cancels one that does not: its finally runs, its abortSignal aborts', async () => {
  for (const style of styles) {
    const log: string[] = [];
    await run(async () =>
      taskGroup(async (g) => {
        const server = await g.start<TcpServer>(async (started) => {
          started(
            await listen(
              { port: 0, host: LOCAL },
              style === 'async'
                ? async (stream: Stream) => {
                    const what = (await stream.readUntil('\n')).toString().trim();
                    const signal = abortSignal();
                    try {
                      await sleep(what === 'quick' ? 10 : 60_000);
                      log.push(`${what} finished`);
                      await stream.write('bye\n');
                    } finally {
                      log.push(`${what} finally, aborted=${signal.aborted}`);
                    }
                  }
                : function* (stream: Stream) {
                    const what = (yield* stream.readUntil('\n')).toString().trim();
                    const signal = abortSignal();
                    try {
                      yield* sleep(what === 'quick' ? 10 : 60_000);
                      log.push(`${what} finished`);
                      yield* stream.write('bye\n');
                    } finally {
                      log.push(`${what} finally, aborted=${signal.aborted}`);
                    }
                  },
            ),
          );
        });
        const quick = await connect(server.port, LOCAL);
        const slow = await connect(server.port, LOCAL);
        await quick.write('quick\n');
        await slow.write('slow\n');
        await sleep(5);
        assert.equal(server.connections, 2);
        await server.close({ graceMs: 200 });
        assert.equal(server.connections, 0);
        log.push(`quick got ${JSON.stringify((await quick.readUntil('\n')).toString())}`);
        log.push(`slow got ${await settle(slow.read())}`);
        const late = await settle(connect(server.port, LOCAL));
        log.push(`a new connection: ${(late as NodeJS.ErrnoException).code}`);
        await quick.close();
        await slow.close();
      }),
    );
    assert.deepEqual(
      log,
      [
        'quick finished',
        'quick finally, aborted=false',
        'slow finally, aborted=true',
        'quick got "bye\\n"',
        'slow got null',
        'a new connection: ECONNREFUSED',
      ],
      style,
    );
  }
});

test('cancelling the task that called listen closes the server and destroys its connections', async () => {
  const got = await run(async () => {
    let port = 0;
    const owner = spawn(async () => {
      const server = await listen({ port: 0, host: LOCAL }, async (stream) => {
        await stream.read(); // waits forever
      });
      port = server.port;
    });
    await sleep(20);
    const client = await connect(port, LOCAL);
    await sleep(20);
    owner.cancel();
    const end = await settle(client.read());
    await client.close();
    const refused = await settle(connect(port, LOCAL));
    return { end, refused };
  });
  assert.ok(got.end === null || (got.end as NodeJS.ErrnoException).code === 'ECONNRESET');
  assert.equal((got.refused as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('cancelling the task that opened a connection destroys the socket', async () => {
  let peerClosed: Promise<void> | undefined;
  const server = await rawServer((socket) => {
    peerClosed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('end', () => socket.end());
    socket.resume();
  });
  try {
    for (const style of styles) {
      let stream: Stream | undefined;
      await run(async () => {
        const task = spawn(
          style === 'async'
            ? async () => {
                stream = await connect(portOf(server), LOCAL);
                await stream.read();
              }
            : function* () {
                stream = yield* connect(portOf(server), LOCAL);
                yield* stream.read();
              },
        );
        await sleep(20);
        task.cancel();
        const outcome = await settle(task);
        assert.ok(outcome instanceof CancelledError, style);
        await until(peerClosed!);
      });
      assert.equal(stream!.closed, true, style);
      assert.ok(stream!.socket!.destroyed);
    }
  } finally {
    server.close();
  }
});

test('writing after close() throws ClosedResourceError; close() twice is fine', async () => {
  const server = await rawServer((socket) => socket.resume());
  try {
    const error = await run(async () => {
      const stream = await connect(portOf(server), LOCAL);
      await stream.close();
      await stream.close();
      return settle(stream.write('late'));
    });
    assert.ok(error instanceof ClosedResourceError);
  } finally {
    server.close();
  }
});

test('a peer reset in the middle of a message fails the pending readExactly with ECONNRESET', async () => {
  const server = await rawServer((socket) => {
    socket.write('half');
    setTimeout(() => socket.resetAndDestroy(), 20);
  });
  try {
    for (const style of styles) {
      // Once in a few hundred runs on a loaded machine (Node 20), the client's socket
      // reported the reset as a plain end: the Stream then rightly throws
      // IncompleteReadError. What simul owns is that a reported reset fails the read with
      // it, so such a run is tried again (three times at most); any other outcome fails.
      let error: unknown;
      for (let attempt = 0; attempt < 3; attempt++) {
        error = await run(
          style === 'async'
            ? async () => {
                const stream = await connect(portOf(server), LOCAL);
                try {
                  return await settle(stream.readExactly(100));
                } finally {
                  await stream.close();
                }
              }
            : function* () {
                const stream = yield* connect(portOf(server), LOCAL);
                try {
                  return yield* stream.readExactly(100);
                } catch (e) {
                  return e;
                } finally {
                  yield* stream.close();
                }
              },
        );
        if ((error as NodeJS.ErrnoException).code !== 'ERR_SIMUL_INCOMPLETE_READ') break;
      }
      assert.equal((error as NodeJS.ErrnoException).code, 'ECONNRESET', style);
    }
  } finally {
    server.close();
  }
});

test('connect to a port nobody listens on throws ECONNREFUSED', async () => {
  const server = await rawServer(() => {});
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  const error = await run(() => settle(connect(port, LOCAL)));
  assert.equal((error as NodeJS.ErrnoException).code, 'ECONNREFUSED');
});

test('listen on a port in use throws EADDRINUSE to the caller, who goes on', async () => {
  const taken = await rawServer(() => {});
  try {
    const got = await run(async () => {
      const error = await settle(listen({ port: portOf(taken), host: LOCAL }, () => {}));
      return (error as NodeJS.ErrnoException).code;
    });
    assert.equal(got, 'EADDRINUSE');
  } finally {
    taken.close();
  }
});

test('a slow reader keeps the server memory bounded: the handler waits in write()', async () => {
  let maxBuffered = 0;
  let written = 0;
  await run(async () =>
    taskGroup(async (g) => {
      const server = await g.start<TcpServer>(async (started) => {
        started(
          await listen({ port: 0, host: LOCAL }, async (stream) => {
            const chunk = Buffer.alloc(64 * 1024, 120);
            for (let i = 0; i < 400; i++) {
              await stream.write(chunk);
              written += chunk.length;
              maxBuffered = Math.max(maxBuffered, stream.writableLength);
            }
          }),
        );
      });
      const client = await connect(server.port, LOCAL);
      await sleep(200); // the client reads nothing for a while: the server must wait
      const writtenWhileStalled = written;
      let received = 0;
      let chunk: Buffer | null;
      while ((chunk = await client.read()) !== null) received += chunk.length;
      await client.close();
      await server.close();
      assert.ok(
        writtenWhileStalled < 16 * 1024 * 1024,
        `the handler went on writing while nobody read (${writtenWhileStalled} bytes)`,
      );
      assert.equal(received, 400 * 64 * 1024);
    }),
  );
  assert.ok(maxBuffered <= 2 * 64 * 1024, `node buffered ${maxBuffered} bytes for the slow peer`);
});

test('a peer that sends without end and a handler that does not read: the server stops reading (bounded buffer)', async () => {
  let seen = 0;
  await run(async () =>
    taskGroup(async (g) => {
      let serverStream: Stream | undefined;
      const server = await g.start<TcpServer>(async (started) => {
        started(
          await listen({ port: 0, host: LOCAL }, async (stream) => {
            serverStream = stream;
            await sleep(300);
          }),
        );
      });
      const client = await connect(server.port, LOCAL);
      const sender = spawn(async () => {
        const chunk = Buffer.alloc(64 * 1024);
        for (;;) await client.write(chunk);
      });
      await sleep(200);
      seen = serverStream!.readableLength;
      sender.cancel();
      client.destroy();
      await server.close({ graceMs: 0 });
    }),
  );
  assert.ok(seen > 0 && seen <= 128 * 1024, `the server buffered ${seen} unread bytes`);
});

test('1,000 concurrent connections are each served by their own task, all alive at once', async () => {
  const n = 1000;
  const got = await run(async () =>
    taskGroup(async (g) => {
      // Every handler waits for all the others: the barrier opens only if n handler
      // tasks are alive at the same time.
      const allServed = new Barrier(n);
      let peak = 0;
      const server = await g.start<TcpServer>(async (started) => {
        started(
          await listen({ port: 0, host: LOCAL, backlog: 2048 }, async (stream) => {
            const line = await stream.readUntil('\n');
            peak = Math.max(peak, server.connections);
            await allServed.wait();
            await stream.write(line);
          }),
        );
      });
      const replies = await taskGroup(async (clients) => {
        const out: string[] = new Array(n);
        for (let i = 0; i < n; i++) {
          clients.spawn(async () => {
            const stream = await connect(server.port, LOCAL);
            try {
              await stream.write(`${i}\n`);
              out[i] = (await stream.readUntil('\n')).toString();
            } finally {
              await stream.close();
            }
          });
        }
        return out;
      });
      await server.close();
      return { replies, peak };
    }),
  );
  assert.equal(got.replies.length, n);
  got.replies.forEach((reply, i) => assert.equal(reply, `${i}\n`));
  assert.equal(got.peak, n);
});

test('arguments are validated: the message names the function, the argument and the value', async () => {
  await run(async () => {
    assert.throws(
      () => connect(0),
      /connect\(port, host, options\): port must be from 1 to 65535, got 0/,
    );
    assert.throws(
      () => connect('80' as never),
      /port must be an integer from 0 to 65535, got "80"/,
    );
    assert.throws(() => connect(80, LOCAL, { tsl: true } as never), /unknown option "tsl"/);
    assert.throws(() => listen({ port: -1 }, () => {}), RangeError);
    assert.throws(() => listen({ port: 0, hots: 'x' } as never, () => {}), /unknown option "hots"/);
    assert.throws(
      () => listen({ port: 0 }, 'nope' as never),
      /handler must be a function, got "nope"/,
    );
    const server = await rawServer((s) => s.resume());
    try {
      const stream = await connect(portOf(server), LOCAL);
      assert.throws(() => stream.read(0), /stream.read\(max\): max must be an integer >= 1, got 0/);
      assert.throws(() => stream.readExactly(-1), RangeError);
      assert.throws(() => stream.readUntil(''), /separator must not be empty/);
      assert.throws(
        () => stream.readUntil('\n', { limit: 0 }),
        /options.limit must be an integer >= 1/,
      );
      assert.throws(() => stream.readUntil('\n', { max: 1 } as never), /unknown option "max"/);
      assert.throws(
        () => stream.write(42 as never),
        /data must be a string, a Buffer or a Uint8Array, got 42/,
      );
      await stream.close();
    } finally {
      server.close();
    }
  });
});

test('a pending socket read is a foreign wait: the virtual clock does not jump past it', async () => {
  const server = await rawServer((socket) => setTimeout(() => socket.end('late\n'), 50));
  try {
    for (const style of styles) {
      const order: string[] = [];
      await run(
        style === 'async'
          ? async () => {
              const sleeper = spawn(async () => {
                await sleep(10_000);
                order.push('sleep done');
              });
              const stream = await connect(portOf(server), LOCAL);
              order.push(`read ${(await stream.readUntil('\n')).toString().trim()}`);
              await stream.close();
              await sleeper;
            }
          : function* () {
              const sleeper = spawn(function* () {
                yield* sleep(10_000);
                order.push('sleep done');
              });
              const stream = yield* connect(portOf(server), LOCAL);
              order.push(`read ${(yield* stream.readUntil('\n')).toString().trim()}`);
              yield* stream.close();
              yield* sleeper;
            },
        { clock: 'virtual' },
      );
      assert.deepEqual(order, ['read late', 'sleep done'], style);
    }
  } finally {
    server.close();
  }
});

test('server.close() options are validated', async () => {
  await run(async () => {
    const server = await listen({ port: 0, host: LOCAL }, () => {});
    assert.throws(
      () => server.close({ grace: 1 } as never),
      /server.close\(options\): unknown option "grace"; the options are "graceMs"/,
    );
    assert.throws(
      () => server.close({ graceMs: -5 }),
      /options.graceMs must be a finite number >= 0, got -5/,
    );
    await server.close();
  });
});
