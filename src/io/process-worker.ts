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
  runJob(request).then(
    (value) =>
      reply({ id: request.id, ok: true, value: value instanceof Transfer ? value.value : value }),
    (error: unknown) => reply({ id: request.id, ok: false, error: serializeError(error) }),
  );
});

function reply(message: { id: number; ok: boolean; value?: unknown; error?: unknown }): void {
  try {
    process.send?.(message);
  } catch (error) {
    // The value cannot be sent (a function, a socket...): say so instead.
    process.send?.({ id: message.id, ok: false, error: serializeError(error) });
  }
}

process.on('disconnect', () => process.exit(0));
