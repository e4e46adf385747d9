/**
 * The server of the cluster benchmark, a process of its own: a handler that does ~2 ms of
 * CPU work per request (`spin(rounds)`: PBKDF2 rounds, calibrated by the bench), served three ways.
 * `node cluster-app.js <mode> <port> <rounds>`:
 * - `1`, `2`: `cluster({ workers })`, the handler burns in the worker that got the request;
 * - `thread`: one process, the handler sends the burn to `toThread` (a pool of one thread
 *   per core) and awaits it.
 */
import process from 'node:process';
import type http from 'node:http';
import { cluster, main, serveHttp, toThread } from '../src/index.js';
import { spin } from './cluster-job.js';

const [mode, portText, iterationsText] = process.argv.slice(2);
const port = Number(portText);
const iterations = Number(iterationsText);
const host = '127.0.0.1';
const job = { module: new URL('./cluster-job.js', import.meta.url), export: 'spin' };

function inline(_req: http.IncomingMessage, res: http.ServerResponse): void {
  spin(iterations);
  res.end('ok');
}

async function offloaded(_req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  await toThread(job, iterations);
  res.end('ok');
}

if (mode === 'thread') {
  await main(async () => {
    await serveHttp({ port, host }, offloaded);
  });
} else {
  await cluster({ workers: Number(mode), graceMs: 1000 }, async () => {
    await serveHttp({ port, host }, inline);
  });
}
