/**
 * Starting units (unit.ts) as processes or threads, from a host: one interface for both, so
 * each measurement is written once for the two models the operating system schedules.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UNIT_FLAG, type UnitMessage, type UnitRole } from './unit.js';

const UNIT = new URL('./unit.js', import.meta.url);

/** The models a unit can be started as. */
export type OsModel = 'process' | 'thread';

export interface Unit {
  readonly model: OsModel;
  /** Resolves once the unit has loaded and said so: its resident memory and pid. */
  readonly ready: Promise<{ rss: number; pid: number }>;
  /** The process id of a process unit (the host's own for a thread). */
  readonly pid: number;
  send(message: unknown, socket?: Socket): void;
  onMessage(listener: (message: UnitMessage) => void): void;
  /** Stops the unit; resolves when it is gone. */
  stop(): Promise<void>;
}

function fromProcess(child: ChildProcess): Unit {
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<{ rss: number; pid: number }>((resolve, reject) => {
    child.on('message', (m: UnitMessage) => m.type === 'ready' && resolve(m));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`a unit process exited with code ${code}`)));
  });
  ready.catch(() => {});
  return {
    model: 'process',
    ready,
    pid: child.pid ?? -1,
    send: (message, socket) => void child.send(message as never, socket),
    onMessage: (listener) => void child.on('message', listener),
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return gone;
    },
  };
}

function fromWorker(worker: Worker): Unit {
  const ready = new Promise<{ rss: number; pid: number }>((resolve, reject) => {
    worker.on('message', (m: UnitMessage) => m.type === 'ready' && resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a unit thread exited with code ${code}`)));
  });
  ready.catch(() => {});
  return {
    model: 'thread',
    ready,
    pid: process.pid,
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on('message', listener),
    stop: () => worker.terminate().then(() => undefined),
  };
}

/** Starts one unit; `await unit.ready` before using it. */
export function startUnit(model: OsModel, role: UnitRole): Unit {
  if (model === 'process') {
    return fromProcess(
      fork(fileURLToPath(UNIT), [UNIT_FLAG, role], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }
  return fromWorker(new Worker(UNIT, { workerData: { unit: role } }));
}

/** Stops every unit. */
export async function stopAll(units: Unit[]): Promise<void> {
  await Promise.all(units.map((u) => u.stop()));
}
