/**
 * What the executors run: a job names a module and one of its exports, `{ module, export }`,
 * which a worker imports (once per worker) and calls with the arguments. Errors cross the
 * boundary as plain data and are rebuilt as `RemoteError` with the worker's stack.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RemoteError } from './errors.js';
import { checkKeys } from '../core/validate.js';
import { show } from './validate.js';

/** A job for `toThread` or `toProcess`: a module and the name of the function it exports. */
export interface Job {
  /** A file URL (`new URL('./work.js', import.meta.url)`), an absolute path, or a package name. */
  module: string | URL;
  /** The exported function to call (default: 'default'). */
  export?: string;
}

/** A job as it is sent to a worker. */
export interface JobMessage {
  module: string;
  export: string;
  args: unknown[];
}

/** An error as it crosses to the caller. */
export interface SerializedError {
  name: string;
  message: string;
  stack: string | undefined;
  code: unknown;
}

export const ERROR_MARK = '__simulRemoteError';

/** Checks `job` and returns the module specifier to import and the export to call. */
export function resolveJob(where: string, job: unknown): { module: string; export: string } {
  if (job === null || typeof job !== 'object') {
    throw new TypeError(`${where}: job must be an object { module, export? }, got ${show(job)}`);
  }
  checkKeys(where, 'job', job, ['module', 'export']);
  const { module, export: name = 'default' } = job as Job;
  let specifier: string;
  if (module instanceof URL) specifier = module.href;
  else if (typeof module === 'string' && module !== '') {
    if (module.startsWith('./') || module.startsWith('../')) {
      throw new TypeError(
        `${where}: job.module must not be a relative path (a worker would resolve it from its own ` +
          `file): use new URL(${JSON.stringify(module)}, import.meta.url), got ${show(module)}`,
      );
    }
    specifier = isAbsolute(module) ? pathToFileURL(module).href : module;
  } else {
    throw new TypeError(
      `${where}: job.module must be a URL or a non-empty string, got ${show(module)}`,
    );
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`${where}: job.export must be a non-empty string, got ${show(name)}`);
  }
  return { module: specifier, export: name };
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: (error as { code?: unknown }).code,
    };
  }
  return { name: 'Error', message: String(error), stack: undefined, code: undefined };
}

export function rebuildError(error: SerializedError, where: string): RemoteError {
  const stack =
    error.stack === undefined ? undefined : `${error.stack}\n    at (the job ran in ${where})`;
  return new RemoteError(error.message, error.name, error.code, stack);
}

/**
 * Runs a job in a worker: imports its module (once per worker), calls the export. Once the
 * module is loaded the call is synchronous (no await per job: the executor benchmark
 * guards the overhead per job).
 */
const loaded = new Map<string, Record<string, unknown>>();
const loading = new Map<string, Promise<Record<string, unknown>>>();

export function runJob(message: JobMessage): unknown {
  const mod = loaded.get(message.module);
  if (mod !== undefined) return call(mod, message);
  let pending = loading.get(message.module);
  if (pending === undefined) {
    pending = import(message.module) as Promise<Record<string, unknown>>;
    loading.set(message.module, pending);
    pending.then(
      (m) => {
        loaded.set(message.module, m);
        loading.delete(message.module);
      },
      () => loading.delete(message.module),
    );
  }
  return pending.then((m) => call(m, message));
}

function call(mod: Record<string, unknown>, message: JobMessage): unknown {
  const fn = mod[message.export];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `the job's module ${message.module} has no exported function ${JSON.stringify(message.export)} ` +
        `(got ${show(fn)})`,
    );
  }
  return (fn as (...args: unknown[]) => unknown)(...message.args);
}
