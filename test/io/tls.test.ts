import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, listen, run, taskGroup, type Stream, type TcpServer } from '../../src/index.js';
import { LOCAL, settle, styles } from './helpers.js';

/** A self-signed certificate for 127.0.0.1, made with the openssl command for this test run. */
function selfSigned(): { key: Buffer; cert: Buffer } | null {
  const dir = mkdtempSync(join(tmpdir(), 'simul-tls-'));
  try {
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=simul test',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { encoding: 'utf8' },
    );
    if (made.error !== undefined || made.status !== 0) return null;
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const credentials = selfSigned();
const skip = credentials === null ? 'the openssl command is not available' : false;

test(
  'TLS: listen and connect with the same Stream API (echo, half-close), in both styles',
  { skip },
  async () => {
    const { key, cert } = credentials!;
    for (const style of styles) {
      const got = await run(async () =>
        taskGroup(async (g) => {
          const server = await g.start<TcpServer>(async (started) => {
            started(
              await listen(
                { port: 0, host: LOCAL, tls: { key, cert } },
                style === 'async'
                  ? async (stream: Stream) => {
                      const line = await stream.readUntil('\n');
                      await stream.write(Buffer.from(line.toString().toUpperCase()));
                    }
                  : function* (stream: Stream) {
                      const line = yield* stream.readUntil('\n');
                      yield* stream.write(Buffer.from(line.toString().toUpperCase()));
                    },
              ),
            );
          });
          const stream = await connect(server.port, LOCAL, { tls: { ca: cert } });
          const authorized = (stream.socket as import('node:tls').TLSSocket).authorized;
          await stream.write('secret\n');
          const reply = (await stream.readUntil('\n')).toString();
          const end = await stream.read();
          await stream.close();
          await server.close();
          return { authorized, reply, end };
        }),
      );
      assert.deepEqual(got, { authorized: true, reply: 'SECRET\n', end: null }, style);
    }
  },
);

test(
  'TLS: a client that does not trust the certificate fails to connect, and the server goes on serving others',
  { skip },
  async () => {
    const { key, cert } = credentials!;
    const reported: unknown[] = [];
    const got = await run(async () =>
      taskGroup(async (g) => {
        const server = await g.start<TcpServer>(async (started) => {
          started(
            await listen(
              { port: 0, host: LOCAL, tls: { key, cert }, onError: (e) => reported.push(e) },
              async (stream) => {
                await stream.write('hi\n');
              },
            ),
          );
        });
        const refused = await settle(connect(server.port, LOCAL, { tls: true }));
        const trusted = await connect(server.port, LOCAL, { tls: { ca: cert } });
        const hi = (await trusted.readUntil('\n')).toString();
        await trusted.close();
        await server.close();
        return { refused, hi };
      }),
    );
    assert.match((got.refused as NodeJS.ErrnoException).code ?? '', /SELF_SIGNED/);
    assert.equal(got.hi, 'hi\n');
    assert.ok(
      reported.every((e) => e instanceof Error),
      'anything reported is an error',
    );
  },
);
