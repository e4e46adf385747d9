/**
 * `dns`: the promise API of `node:dns/promises` as operations (SPEC §6). Queries to DNS
 * servers (`resolve*`, `reverse`) go through a Resolver of their own, with the default
 * servers, that is cancelled (`resolver.cancel()`) when the wait is cancelled. `lookup` and
 * `lookupService` use the system's resolver (getaddrinfo), which cannot be interrupted: a
 * cancelled lookup ends the wait at once and its answer is dropped.
 */
import dnsp from 'node:dns/promises';
import { until } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';
import type { AsOperations } from './as-operations.js';

const ASYNC = /^(resolve\w*|reverse|lookup|lookupService)$/;

type Dns = AsOperations<
  Pick<
    typeof dnsp,
    {
      [K in keyof typeof dnsp]: K extends
        `resolve${string}` | 'reverse' | 'lookup' | 'lookupService'
        ? K
        : never;
    }[keyof typeof dnsp]
  >
>;

function query(name: string): (...args: unknown[]) => Operation<unknown> {
  const wrapped = (...args: unknown[]): Operation<unknown> =>
    until(function call(signal: AbortSignal) {
      const resolver = new dnsp.Resolver();
      resolver.setServers(dnsp.getServers());
      const onAbort = (): void => resolver.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      const method = (resolver as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
        name
      ];
      return method
        .apply(resolver, args)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped;
}

function system(name: string): (...args: unknown[]) => Operation<unknown> {
  const fn = (dnsp as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
  const wrapped = (...args: unknown[]): Operation<unknown> => until(fn.apply(dnsp, args));
  Object.defineProperty(wrapped, 'name', { value: name });
  return wrapped;
}

function build(): Dns {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(dnsp)) {
    if (!ASYNC.test(name)) continue;
    out[name] = name === 'lookup' || name === 'lookupService' ? system(name) : query(name);
  }
  return Object.freeze(out) as Dns;
}

/**
 * `node:dns/promises` (its lookups and queries) as operations.
 *
 * @example
 * import { dns } from 'simul';
 * const { address } = await dns.lookup('localhost');
 * const mx = await withTimeout(2000, () => dns.resolveMx('example.org'));
 */
export const dns: Dns = build();
