/**
 * The module every thread of the `toThread` pool runs (piscina's worker file): it imports
 * the job's module once per thread and calls the export. Errors go back as data (see
 * job.ts), so the caller gets the worker's stack; a `transfer(...)` result is moved.
 */
import { Piscina } from 'piscina';
import { ERROR_MARK, runJob, serializeError, type JobMessage } from './job.js';
import { Transfer } from './transfer.js';

export default async function threadJob(message: JobMessage): Promise<unknown> {
  try {
    const result = await runJob(message);
    if (result instanceof Transfer) return Piscina.move(result.value as ArrayBuffer);
    return result;
  } catch (error) {
    return { [ERROR_MARK]: serializeError(error) };
  }
}
