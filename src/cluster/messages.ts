/**
 * What the primary and its workers say to each other over node:cluster's IPC channel. Each
 * message carries `simul` so an application's own messages (`process.send`) pass untouched.
 */

/** Primary → worker: stop accepting, let handlers finish within the grace period, exit. */
export interface DrainMessage {
  simul: 'drain';
}

/**
 * Worker → primary: it listens for the primary's messages now. A message sent to a worker
 * before that (while it still loads its modules) would be lost, so the primary holds a drain
 * until it has heard this.
 */
export interface ReadyMessage {
  simul: 'ready';
}

/**
 * Worker → primary, when it is about to exit: the primary answers `exit`. node:cluster's
 * round-robin hands connections over on this same channel, in order: once the answer is in,
 * every connection handed to the worker before the primary heard that its servers closed has
 * reached it (and was refused back to the primary, which gives it to another worker). Without
 * the handshake, a connection in the pipe when the worker exits is lost, and its client hangs.
 */
export interface ExitingMessage {
  simul: 'exiting';
}

/** Primary → worker: the answer to `exiting`. */
export interface ExitMessage {
  simul: 'exit';
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

export type WorkerMessage = ReadyMessage | ListeningMessage | FatalMessage | ExitingMessage;

export function isDrainMessage(message: unknown): message is DrainMessage {
  return (message as DrainMessage | null)?.simul === 'drain';
}

export function isExitMessage(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.simul === 'exit';
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  const m = message as WorkerMessage | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    (m.simul === 'ready' ||
      m.simul === 'listening' ||
      m.simul === 'exiting' ||
      (m.simul === 'fatal' && typeof m.error === 'string'))
  );
}
