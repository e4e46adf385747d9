/**
 * What the primary and its workers say to each other over node:cluster's IPC channel. Each
 * message carries `simul` so an application's own messages (`process.send`) pass untouched.
 */

/** Primary → worker: stop accepting, let handlers finish within the grace period, exit. */
export interface DrainMessage {
  simul: 'drain';
}

/** Worker → primary: a server of this worker listens (also sent with reusePort, where
 *  node:cluster's own 'listening' event does not fire). */
export interface ListeningMessage {
  simul: 'listening';
}

/** Worker → primary, just before it exits on an error: the error, as text, for the report. */
export interface FatalMessage {
  simul: 'fatal';
  error: string;
}

export type WorkerMessage = ListeningMessage | FatalMessage;

export function isDrainMessage(message: unknown): message is DrainMessage {
  return (message as DrainMessage | null)?.simul === 'drain';
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const m = message as WorkerMessage | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    (m.simul === 'listening' || (m.simul === 'fatal' && typeof m.error === 'string'))
  );
}
