/**
 * The options of `cluster(options, main)`, their defaults, and their checks. Every check
 * names the argument and quotes the value, as the rest of simul does; the resolved options
 * are a plain object the primary and the workers read (each process computes its own, from
 * the same call, since a worker re-runs the program that started the cluster).
 */
import os from 'node:os';
import {
  checkInteger,
  checkKeys,
  checkMs,
  checkObject,
  optionKeys,
  show,
} from '../core/validate.js';
import { reusePortUnsupported } from '../io/server-registry.js';

/** How a crashed worker is restarted: after `initialDelayMs`, doubling up to `maxDelayMs`. */
export interface RestartOptions {
  /** The delay before the first restart after a crash, in ms (default 100). */
  initialDelayMs?: number;
  /** The longest delay, in ms (default 10000). */
  maxDelayMs?: number;
}

/** When restarts stop: `exits` unexpected exits within `windowMs` is a crash loop. */
export interface CrashLoopOptions {
  /** How many unexpected exits make a crash loop (default 5). */
  exits?: number;
  /** Within how long, in ms (default 60000). */
  windowMs?: number;
}

/** Options of `cluster`. */
export interface ClusterOptions {
  /** How many worker processes (default: `os.availableParallelism()`, one per core). */
  workers?: number;
  /**
   * Restart a worker that exits unexpectedly (default true), with exponential backoff. With
   * false, the cluster stops (with the worker's error) when a worker exits unexpectedly.
   */
  restart?: boolean | RestartOptions;
  /** How long handlers may run on after a drain began, in ms (default 10000). */
  graceMs?: number;
  /** How many unexpected exits within how long stop the cluster (default 5 in 60 s). */
  crashLoop?: CrashLoopOptions;
  /**
   * Each worker binds the port itself with SO_REUSEPORT and the kernel spreads connections
   * (default false: node:cluster's round-robin, the primary accepts and hands connections
   * over). Needs node >= 22.12 (or 23.1) on Linux; elsewhere `cluster` throws.
   */
  reusePort?: boolean;
}

/** The options with every default filled in. */
export interface ResolvedClusterOptions {
  workers: number;
  restart: false | Required<RestartOptions>;
  graceMs: number;
  crashLoop: Required<CrashLoopOptions>;
  reusePort: boolean;
}

export const CLUSTER_DEFAULTS = {
  graceMs: 10_000,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  crashLoopExits: 5,
  crashLoopWindowMs: 60_000,
} as const;

const CLUSTER_KEYS = optionKeys<ClusterOptions>({
  workers: true,
  restart: true,
  graceMs: true,
  crashLoop: true,
  reusePort: true,
});
const RESTART_KEYS = optionKeys<RestartOptions>({ initialDelayMs: true, maxDelayMs: true });
const CRASH_LOOP_KEYS = optionKeys<CrashLoopOptions>({ exits: true, windowMs: true });

/** Checks `options` and fills in the defaults; throws a TypeError or RangeError naming the option. */
export function resolveClusterOptions(options: unknown): ResolvedClusterOptions {
  const where = 'cluster(options, main)';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  checkKeys(where, 'options', options, CLUSTER_KEYS);
  const o = options as ClusterOptions;
  const workers =
    o.workers === undefined
      ? os.availableParallelism()
      : checkInteger(where, 'options.workers', o.workers, 1);
  const graceMs =
    o.graceMs === undefined
      ? CLUSTER_DEFAULTS.graceMs
      : checkMs(where, 'options.graceMs', o.graceMs);
  return {
    workers,
    restart: resolveRestart(where, o.restart),
    graceMs,
    crashLoop: resolveCrashLoop(where, o.crashLoop),
    reusePort: resolveReusePort(where, o.reusePort),
  };
}

function resolveRestart(where: string, restart: unknown): ResolvedClusterOptions['restart'] {
  if (restart === false) return false;
  if (restart === undefined || restart === true) {
    return {
      initialDelayMs: CLUSTER_DEFAULTS.initialDelayMs,
      maxDelayMs: CLUSTER_DEFAULTS.maxDelayMs,
    };
  }
  if (restart === null || typeof restart !== 'object') {
    throw new TypeError(
      `${where}: options.restart must be a boolean or an object { initialDelayMs, maxDelayMs }, got ${show(restart)}`,
    );
  }
  checkKeys(where, 'options.restart', restart, RESTART_KEYS);
  const r = restart as RestartOptions;
  const initialDelayMs =
    r.initialDelayMs === undefined
      ? CLUSTER_DEFAULTS.initialDelayMs
      : checkMs(where, 'options.restart.initialDelayMs', r.initialDelayMs);
  const maxDelayMs =
    r.maxDelayMs === undefined
      ? Math.max(CLUSTER_DEFAULTS.maxDelayMs, initialDelayMs)
      : checkMs(where, 'options.restart.maxDelayMs', r.maxDelayMs);
  if (maxDelayMs < initialDelayMs) {
    throw new RangeError(
      `${where}: options.restart.maxDelayMs (${maxDelayMs}) must be >= options.restart.initialDelayMs (${initialDelayMs})`,
    );
  }
  return { initialDelayMs, maxDelayMs };
}

function resolveCrashLoop(where: string, crashLoop: unknown): Required<CrashLoopOptions> {
  checkObject(where, 'options.crashLoop', crashLoop);
  checkKeys(where, 'options.crashLoop', crashLoop, CRASH_LOOP_KEYS);
  const c = (crashLoop ?? {}) as CrashLoopOptions;
  return {
    exits:
      c.exits === undefined
        ? CLUSTER_DEFAULTS.crashLoopExits
        : checkInteger(where, 'options.crashLoop.exits', c.exits, 1),
    windowMs:
      c.windowMs === undefined
        ? CLUSTER_DEFAULTS.crashLoopWindowMs
        : checkMs(where, 'options.crashLoop.windowMs', c.windowMs),
  };
}

function resolveReusePort(where: string, reusePort: unknown): boolean {
  if (reusePort === undefined || reusePort === false) return false;
  if (reusePort !== true) {
    throw new TypeError(`${where}: options.reusePort must be a boolean, got ${show(reusePort)}`);
  }
  const why = reusePortUnsupported();
  if (why !== null) {
    throw new RangeError(
      `${where}: options.reusePort cannot be used here: ${why}; leave it out to share the port through the primary (round-robin)`,
    );
  }
  return true;
}
