/**
 * The module every thread of the `toThread` pool runs (piscina's worker file): it imports
 * the job's module once per thread and calls the export. Errors go back as data (see
 * job.ts), so the caller gets the worker's stack; a `transfer(...)` result is moved.
 */
import { Piscina } from 'piscina';
import { ERROR_MARK, runJob, serializeError, type JobMessage } from './job.js';
import { Transfer } from './transfer.js';

export default function threadJob(message: JobMessage): unknown {
  let result: unknown;
  try {
    result = runJob(message);
  } catch (error) {
    return { [ERROR_MARK]: serializeError(error) };
  }
  if (isPromise(result))
    return result.then(pack, (error) => ({ [ERROR_MARK]: serializeError(error) }));
  return pack(result);
}

function pack(result: unknown): unknown {
  return result instanceof Transfer ? Piscina.move(result.value as ArrayBuffer) : result;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
