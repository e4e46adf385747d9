/**
 * One unit of concurrency for `simul compare`, as a forked process or a worker thread: the
 * same file, the same work, so the two models differ only in what the operating system and
 * Node give each. Every unit loads simul (the application it would run) and tells its parent
 * it is ready, with its resident memory; then, by role:
 *
 * - `idle`: waits (memory and start-up measurements);
 * - `spin`: waits for `{ rounds }`, computes, answers `{ done }` (the CPU speed-up);
 * - `echo`: serves one connection at a time; a process receives the socket itself from its
 *   parent, a thread receives each chunk from the main thread (Node cannot hand a socket to a
 *   thread) and posts it back.
 *
 * A process unit exits when its parent goes away (the IPC channel closes), so none outlives
 * the measurement.
 */
import type { Socket } from 'node:net';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import '../../index.js';
import { spin } from '../burn-job.js';

export const UNIT_FLAG = '--simul-compare-unit';
export type UnitRole = 'idle' | 'spin' | 'echo';

export type UnitMessage =
  | { type: 'ready'; rss: number; pid: number }
  | { type: 'done'; result: number }
  | { type: 'idle' }
  | { type: 'data'; chunk: Uint8Array };

interface Channel {
  send(message: UnitMessage): void;
  on(listener: (message: unknown, handle?: unknown) => void): void;
}

function channel(): Channel | null {
  if (!isMainThread && (workerData as { unit?: UnitRole } | null)?.unit !== undefined) {
    const port = parentPort;
    if (port === null) return null;
    return { send: (m) => port.postMessage(m), on: (l) => port.on('message', (m) => l(m)) };
  }
  if (isMainThread && process.argv[2] === UNIT_FLAG && process.send !== undefined) {
    process.on('disconnect', () => process.exit(0));
    return {
      send: (m) => void process.send?.(m),
      on: (l) => process.on('message', (m, handle) => l(m, handle)),
    };
  }
  return null;
}

const role: UnitRole | undefined = isMainThread
  ? (process.argv[3] as UnitRole | undefined)
  : (workerData as { unit?: UnitRole } | null)?.unit;
const parent = channel();

if (parent !== null && role !== undefined) {
  spin(10_000); // warm the CPU-bound function up before anyone times it
  if (role === 'spin') {
    parent.on((message) => {
      const { rounds } = message as { rounds: number };
      parent.send({ type: 'done', result: spin(rounds) });
    });
  } else if (role === 'echo') {
    parent.on((message, handle) => {
      if (isMainThread) {
        const socket = handle as Socket;
        socket.on('data', (chunk) => socket.write(chunk));
        socket.on('error', () => socket.destroy());
        socket.on('close', () => parent.send({ type: 'idle' }));
        socket.resume();
      } else {
        parent.send({ type: 'data', chunk: (message as { chunk: Uint8Array }).chunk });
      }
    });
  } else {
    parent.on(() => {}); // keeps a thread alive; a process is kept alive by its channel
  }
  parent.send({ type: 'ready', rss: process.memoryUsage.rss(), pid: process.pid });
}
