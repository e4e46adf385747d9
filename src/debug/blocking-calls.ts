/**
 * The blocking-call detector: while a debug run with `blockingCalls: 'warn' | 'throw'` runs,
 * the blocking functions of Node's built-in modules (`fs.*Sync`, `child_process.*Sync`,
 * `zlib.*Sync`, `crypto.pbkdf2Sync`/`scryptSync`/`randomFillSync` on a large buffer) and
 * `Atomics.wait` are replaced by wrappers that report a call made inside a task step: it
 * stalls every other task for as long as it takes, which nothing else would show.
 *
 * The wrappers go on the modules' objects, which `require('node:fs')` returns; an ES module's
 * named import (`import { readFileSync } from 'node:fs'`) is a binding of its own, which
 * `syncBuiltinESMExports()` updates, so both kinds of importer call the wrapper. (A function
 * copied out of the module before the run started, `const { readFileSync } = require('fs')`
 * at the top of a CommonJS file, is a copy nothing can reach: it is not seen.)
 *
 * The wrappers are installed by the first run that asks for them and the originals put back
 * when the last such run ends: with no detecting run, the built-ins are untouched.
 */
import childProcess from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import zlib from 'node:zlib';
import { siteOf } from '../core/debug-options.js';
import type { Task } from '../core/task.js';

/** randomFillSync/randomBytes below this many bytes are quick: not reported. */
export const LARGE_RANDOM_BYTES = 64 * 1024;

/** A blocking call that `blockingCalls: 'throw'` refused to make. */
export class BlockingCallError extends Error {
  override name = 'BlockingCallError';
  readonly code = 'ERR_SIMUL_BLOCKING_CALL';
}

/** Who is told of a blocking call: the debug run whose step made it. */
export interface BlockingCallListener {
  /** The task whose step runs now, or null between steps. */
  readonly currentTask: Task | null;
  readonly mode: 'warn' | 'throw';
  isAllowed(api: string): boolean;
  /** Reports a call (mode 'warn'); returns the message. */
  report(task: Task, api: string, site: string | null): string;
}

type Patchable = Record<string, unknown>;

/** The blocking functions: module name, object, and which of its functions. */
function targets(): { name: string; object: Patchable; keys: string[] }[] {
  const syncKeys = (object: object): string[] =>
    Object.keys(object).filter(
      (key) => key.endsWith('Sync') && typeof (object as Patchable)[key] === 'function',
    );
  return [
    { name: 'fs', object: fs as unknown as Patchable, keys: syncKeys(fs) },
    {
      name: 'child_process',
      object: childProcess as unknown as Patchable,
      keys: syncKeys(childProcess),
    },
    { name: 'zlib', object: zlib as unknown as Patchable, keys: syncKeys(zlib) },
    {
      name: 'crypto',
      object: crypto as unknown as Patchable,
      keys: [
        'pbkdf2Sync',
        'scryptSync',
        'randomFillSync',
        'generateKeyPairSync',
        'generatePrimeSync',
      ],
    },
    { name: 'Atomics', object: Atomics as unknown as Patchable, keys: ['wait'] },
  ];
}

const listeners = new Set<BlockingCallListener>();
/** How many wrapped calls are running: one blocking call is reported once, not its parts. */
let depth = 0;
let originals: { object: Patchable; key: string; original: unknown }[] | null = null;

/** Starts reporting blocking calls to `listener`; the function returned stops it. */
export function detectBlockingCalls(listener: BlockingCallListener): () => void {
  listeners.add(listener);
  if (originals === null) install();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    listeners.delete(listener);
    if (listeners.size === 0) uninstall();
  };
}

/** Whether the built-ins are patched now (for tests). */
export function blockingCallsPatched(): boolean {
  return originals !== null;
}

function install(): void {
  originals = [];
  for (const { name, object, keys } of targets()) {
    for (const key of keys) {
      const original = object[key] as (...args: unknown[]) => unknown;
      const api = `${name}.${key}`;
      const quick = quickCheck(key);
      const wrapper = function (this: unknown, ...args: unknown[]): unknown {
        // Inside a wrapped call (fs.readFileSync calls fs.openSync), or inside the report of
        // one (a warning written to a file goes through fs.writeSync): the call itself.
        if (depth > 0) return original.apply(this, args);
        depth++;
        try {
          if (quick === null || !quick(args)) checkCall(api, wrapper);
          return original.apply(this, args);
        } finally {
          depth--;
        }
      };
      // What hangs off the original stays reachable: fs.realpathSync.native, say.
      for (const property of Reflect.ownKeys(original)) {
        if (property === 'length' || property === 'name' || property === 'prototype') continue;
        Object.defineProperty(
          wrapper,
          property,
          Object.getOwnPropertyDescriptor(original, property) as PropertyDescriptor,
        );
      }
      Object.defineProperty(wrapper, 'name', { value: key });
      originals.push({ object, key, original });
      object[key] = wrapper;
    }
  }
  syncBuiltinESMExports();
}

function uninstall(): void {
  for (const { object, key, original } of originals ?? []) object[key] = original;
  originals = null;
  syncBuiltinESMExports();
}

/** Calls of some functions are quick with small arguments: those are not reported. */
function quickCheck(key: string): ((args: unknown[]) => boolean) | null {
  if (key !== 'randomFillSync') return null;
  return (args) => {
    const buffer = args[0] as ArrayBufferView | undefined;
    const size = (args[2] as number | undefined) ?? buffer?.byteLength ?? 0;
    return size < LARGE_RANDOM_BYTES;
  };
}

function checkCall(api: string, wrapper: (...args: unknown[]) => unknown): void {
  for (const listener of listeners) {
    const task = listener.currentTask;
    if (task === null || listener.isAllowed(api)) continue;
    const stack: { stack?: string } = {};
    Error.captureStackTrace(stack, wrapper);
    const site = siteOf(stack as Error);
    const message = listener.report(task, api, site);
    if (listener.mode === 'throw') throw new BlockingCallError(message);
    return;
  }
}

/** `fs.readFileSync` is allowed by `'fs.readFileSync'`, `'fs.*'` or `'*'`. */
export function allowedBy(patterns: readonly string[], api: string): boolean {
  return patterns.some(
    (pattern) =>
      pattern === api ||
      pattern === '*' ||
      (pattern.endsWith('.*') && api.startsWith(pattern.slice(0, -1))),
  );
}
