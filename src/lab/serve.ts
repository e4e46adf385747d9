/**
 * `simul serve app.js --workers N`: runs an application module in a cluster. The module
 * exports its main function as `main` (a default export is accepted too); every process
 * imports it, the primary first so that a wrong path or a missing export is reported before
 * any worker starts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cluster } from '../cluster/cluster.js';
import { reusePortUnsupported } from '../io/server-registry.js';
import { parseCount, parseMs, UsageError } from './options.js';

export interface ServeOptions {
  /** --workers: a positive integer, as typed (default: one per core). */
  workers?: string;
  /** --grace-ms: how long handlers may finish after a drain began. */
  graceMs?: string;
  /** --reuse-port: each worker binds the port itself (SO_REUSEPORT). */
  reusePort?: boolean;
}

/**
 * Checks the command line, loads `file` and runs its main function in a cluster.
 *
 * @example
 * await serve('examples/cluster/app.js', { workers: '2' });
 */
export async function serve(file: string, options: ServeOptions): Promise<void> {
  const workers = options.workers === undefined ? undefined : parseWorkers(options.workers);
  const graceMs =
    options.graceMs === undefined ? undefined : parseMs('--grace-ms', options.graceMs);
  if (options.reusePort) {
    const why = reusePortUnsupported();
    if (why !== null) throw new UsageError(`--reuse-port cannot be used here: ${why}`);
  }
  const main = await loadMain(file);
  await cluster({ workers, graceMs, reusePort: options.reusePort ?? false }, main);
}

function parseWorkers(value: string): number {
  try {
    return parseCount('--workers', value, 1);
  } catch {
    throw new UsageError(
      `--workers must be a positive integer (how many worker processes), got ${JSON.stringify(value)}`,
    );
  }
}

/** The module's `main` export, or its default export; a UsageError naming what is wrong. */
export async function loadMain(file: string): Promise<() => unknown> {
  const path = resolve(file);
  if (!existsSync(path)) {
    throw new UsageError(`cannot find the app module ${JSON.stringify(file)} (looked at ${path})`);
  }
  let module: { main?: unknown; default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as typeof module;
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new UsageError(`cannot load the app module ${JSON.stringify(file)}: ${why}`);
  }
  const main = module.main ?? module.default;
  if (typeof main !== 'function') {
    const found = 'main' in module ? 'main' : 'default' in module ? 'default' : null;
    throw new UsageError(
      `the app module ${JSON.stringify(file)} must export its main function as "main" ` +
        `(or as its default export), ` +
        (found === null ? 'and exports neither' : `but its "${found}" export is a ${typeof main}`),
    );
  }
  return main as () => unknown;
}
