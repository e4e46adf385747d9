/**
 * The servers listening in this process, and how they bind. The cluster runner needs both:
 * to drain a worker it closes every server of the process (they stop accepting at once and
 * their handlers get the grace period) before it cancels the worker's root task, which would
 * cancel the handlers at once; to tell the primary that a worker is ready it hears when a
 * server starts listening; and with `reusePort` each worker binds the port itself
 * (SO_REUSEPORT, the kernel spreads connections) rather than through the primary.
 * Nothing here assumes a cluster: outside one, the registry is just a list nobody reads.
 */
import type { Server } from './server.js';

const open = new Set<Server>();
const listeners = new Set<(server: Server) => void>();

/** How the servers of this process bind, beyond what each `listen` call says. */
export interface BindDefaults {
  /** Bind with SO_REUSEPORT, each process its own socket (node's `reusePort` + `exclusive`). */
  reusePort: boolean;
}

const defaults: BindDefaults = { reusePort: false };

/** @internal Every server listening in this process now. */
export function openServers(): Server[] {
  return [...open];
}

/** @internal Calls `listener` each time a server of this process starts listening. */
export function onServerListening(listener: (server: Server) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** @internal Called by a server once it listens. */
export function serverListening(server: Server): void {
  open.add(server);
  for (const listener of listeners) listener(server);
}

/** @internal Called by a server once it is closed. */
export function serverClosed(server: Server): void {
  open.delete(server);
}

/** @internal Sets how the servers of this process bind from now on (the cluster's workers). */
export function setBindDefaults(changes: Partial<BindDefaults>): void {
  Object.assign(defaults, changes);
}

/** @internal The options every server adds to node's `server.listen`. */
export function bindOptions(): { reusePort?: boolean; exclusive?: boolean } {
  return defaults.reusePort ? { reusePort: true, exclusive: true } : {};
}

/**
 * Why `reusePort` cannot be used here, or null if it can: node has the option since 22.12 and
 * 23.1, and only some systems have SO_REUSEPORT with load balancing (Linux among them).
 *
 * @example
 * const why = reusePortUnsupported();
 * if (why !== null) throw new Error(`reusePort: ${why}`);
 */
export function reusePortUnsupported(
  version: string = process.versions.node,
  platform: string = process.platform,
): string | null {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  const hasOption = major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
  if (!hasOption) {
    return `node ${version} has no reusePort option (it needs node >= 22.12 or >= 23.1)`;
  }
  const balanced = ['linux', 'freebsd', 'sunos', 'aix'];
  if (!balanced.includes(platform)) {
    return `${platform} does not spread connections over sockets bound with SO_REUSEPORT`;
  }
  return null;
}
