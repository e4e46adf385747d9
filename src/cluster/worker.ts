/**
 * A worker process of the cluster: runs `main` as the root of its own simul loop, and
 * answers the primary.
 *
 * - Drain (the primary's `drain` message): every server of the process closes at once (it
 *   stops accepting; requests it accepted run on for up to `graceMs`), then the root task is
 *   cancelled, so whatever else `main` runs stops too and its `finally` blocks run. A worker
 *   that drained cleanly exits 0. Cancelling the root first would cancel the handlers at
 *   once: the servers' own graceful close is what gives them their grace period.
 * - Failure: `main` throws (at start-up or later), or an error escapes every task (an
 *   uncaught exception) → the error goes to the primary as text, for its report, and the
 *   worker exits 1.
 * - Before exiting, either way, it shakes hands with the primary (see ExitingMessage), so no
 *   connection node:cluster was handing over is left in the pipe.
 * - The primary is gone (its IPC channel closed, even after a SIGKILL) → exit at once: a
 *   worker without its primary is an orphan nobody would stop.
 * - SIGINT is ignored: Ctrl-C reaches the whole process group, and the primary drains the
 *   workers itself. SIGTERM sent to the worker alone drains it (the primary replaces it).
 */
import process from 'node:process';
import { run } from '../core/run.js';
import { all } from '../core/combinators.js';
import { taskGroup } from '../core/task-group.js';
import { formatError } from '../core/error-report.js';
import { Event } from '../sync/event.js';
import { onServerListening, openServers, setBindDefaults } from '../io/server-registry.js';
import { isDrainMessage, isExitMessage, type WorkerMessage } from './messages.js';
import type { ResolvedClusterOptions } from './options.js';

/** Runs `main` in this worker until it ends or is drained, then exits the process. */
export async function runWorker(
  main: () => unknown,
  options: ResolvedClusterOptions,
): Promise<never> {
  if (options.reusePort) setBindDefaults({ reusePort: true });
  const stopListening = onServerListening(() => void send({ simul: 'listening' }));
  process.once('disconnect', () => process.exit(1));
  process.on('SIGINT', ignore);

  let drainRequested: Event | null = null;
  let drainBeforeStart = false;
  const drain = (): void => {
    if (drainRequested === null) drainBeforeStart = true;
    else drainRequested.set();
  };
  process.on('message', (message) => {
    if (isDrainMessage(message)) drain();
  });
  process.on('SIGTERM', drain);
  // An error thrown outside any task (a raw callback of a library) would end the worker
  // without a word to the primary: tell it, then exit as node would have.
  process.once('uncaughtException', (error) => {
    const text = report(error);
    void send({ simul: 'fatal', error: text }).then((sent) => {
      if (!sent) process.stderr.write(`${text}\n`);
      process.exit(1);
    });
  });
  void send({ simul: 'ready' });

  let status = 0;
  try {
    await run(
      () =>
        taskGroup(async (g) => {
          drainRequested = new Event({ name: 'cluster drain requested' });
          if (drainBeforeStart) drainRequested.set();
          const requested = drainRequested;
          g.spawn(
            async () => {
              await requested.wait();
              // Servers first: they stop accepting now and give their handlers graceMs.
              await all(openServers().map((server) => server.close({ graceMs: options.graceMs })));
              g.cancel('the cluster is draining');
            },
            { name: 'cluster drain' },
          );
          await g.spawn(main, { name: main.name || 'main' });
          g.cancel('main has ended');
        }),
      { name: 'cluster worker' },
    );
  } catch (error) {
    status = 1;
    const text = report(error);
    // The primary prints it, with the worker's name; print it here only if it cannot.
    if (!(await send({ simul: 'fatal', error: text }))) process.stderr.write(`${text}\n`);
  } finally {
    stopListening();
  }
  await lastWord();
  process.exit(status);
}

/** How long a worker waits for the primary's answer to `exiting` (it may be gone). */
const LAST_WORD_MS = 2000;

/** The exit handshake (see ExitingMessage): resolves once the primary has answered. */
function lastWord(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
      process.off('disconnect', done);
      resolve();
    };
    const onMessage = (message: unknown): void => {
      if (isExitMessage(message)) done();
    };
    const timer = setTimeout(done, LAST_WORD_MS);
    process.on('message', onMessage);
    process.once('disconnect', done);
    void send({ simul: 'exiting' }).then((sent) => {
      if (!sent) done();
    });
  });
}

/** Sends `message` to the primary; resolves once it is written (so exiting loses nothing),
 *  with false if it could not be sent. */
function send(message: WorkerMessage): Promise<boolean> {
  return new Promise((resolve) => {
    // The channel may be gone already (the primary died): then there is no one to tell.
    if (!process.connected || process.send === undefined) resolve(false);
    else process.send(message, undefined, {}, (error) => resolve(error === null));
  });
}

function ignore(): void {}

function report(error: unknown): string {
  try {
    return formatError(error);
  } catch {
    return String(error);
  }
}
