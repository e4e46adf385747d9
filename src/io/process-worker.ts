/**
 * The program every process of the `toProcess` pool runs (started with child_process.fork
 * and the 'advanced' serialization, so Buffers, Maps and typed arrays cross as they are).
 * It runs one job at a time and exits when its parent goes away.
 */
import { runJob, serializeError, type JobMessage } from './job.js';
import { Transfer } from './transfer.js';

interface Request extends JobMessage {
  id: number;
}

process.on('message', (request: Request) => {
  let result: unknown;
  try {
    result = runJob(request);
  } catch (error) {
    reply({ id: request.id, ok: false, error: serializeError(error) });
    return;
  }
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    (result as Promise<unknown>).then(
      (value) => done(request.id, value),
      (error: unknown) => reply({ id: request.id, ok: false, error: serializeError(error) }),
    );
  } else done(request.id, result);
});

function done(id: number, value: unknown): void {
  reply({ id, ok: true, value: value instanceof Transfer ? value.value : value });
}

function reply(message: { id: number; ok: boolean; value?: unknown; error?: unknown }): void {
  try {
    process.send?.(message);
  } catch (error) {
    // The value cannot be sent (a function, a socket...): say so instead.
    process.send?.({ id: message.id, ok: false, error: serializeError(error) });
  }
}

process.on('disconnect', () => process.exit(0));
