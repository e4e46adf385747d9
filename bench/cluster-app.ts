/**
 * The server of the cluster benchmark, a process of its own: a handler that burns ~2 ms of
 * CPU per request, served three ways. `node cluster-app.js <mode> <port>`:
 * - `1`, `2`: `cluster({ workers })`, the handler burns in the worker that got the request;
 * - `thread`: one process, the handler sends the burn to `toThread` (a pool of one thread
 *   per core) and awaits it.
 */
import process from 'node:process';
import type http from 'node:http';
import { cluster, main, serveHttp, toThread } from '../src/index.js';
import { burn } from './io-pitfall-job.js';

export const BURN_MS = 2;
const [mode, portText] = process.argv.slice(2);
const port = Number(portText);
const host = '127.0.0.1';
const job = { module: new URL('./io-pitfall-job.js', import.meta.url), export: 'burn' };

function inline(_req: http.IncomingMessage, res: http.ServerResponse): void {
  burn(BURN_MS);
  res.end('ok');
}

async function offloaded(_req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  await toThread(job, BURN_MS);
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
