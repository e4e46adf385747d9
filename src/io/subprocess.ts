/**
 * Subprocesses: `spawnProcess` (a `Process` with its pipes as Streams) and `exec` (run to the
 * end, collect the output). A process belongs to the task that started it, as a child task
 * does: a watcher task, child of that task, waits for the process, so the task does not
 * finish before its process has exited. Cancelling the task (or a deadline around
 * `spawnProcess`) sends SIGTERM to the process's whole group, waits a grace period (default
 * 5 s), then sends SIGKILL; the same happens to what is left of the group when the direct
 * child exits on its own. No orphan survives its task.
 */
/* eslint-disable @typescript-eslint/no-this-alias -- named register functions (they name the
   wait in dumps) reach their instance through a local */
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { fromCallback } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';
import { spawn } from '../core/spawn.js';
import { shield, withTimeout } from '../core/scoped.js';
import { taskGroup, type TaskGroup } from '../core/task-group.js';
import type { Task } from '../core/task.js';
import { Stream } from './stream.js';
import { groupAlive, groupGone, signalGroup } from './process-group.js';
import { ClosedResourceError, LimitOverrunError } from './errors.js';
import {
  checkBytes,
  checkMs,
  checkOptions,
  checkPositiveInteger,
  checkString,
  show,
} from './validate.js';

/** Default time between SIGTERM and SIGKILL when a process is cancelled. */
export const DEFAULT_KILL_GRACE_MS = 5000;

/** How long to wait for a process group to vanish after SIGKILL (it only takes a moment). */
const KILL_WAIT_MS = 2000;

type StdioMode = 'pipe' | 'ignore' | 'inherit';

/** Options of `spawnProcess`. */
export interface SpawnProcessOptions {
  /** The working directory (default: this process's). */
  cwd?: string;
  /** The environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** 'pipe' (default: a Stream), 'ignore' or 'inherit', for each of the three. */
  stdin?: StdioMode;
  stdout?: StdioMode;
  stderr?: StdioMode;
  /** Time between SIGTERM and SIGKILL when the process is cancelled, in ms (default 5000). */
  graceMs?: number;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessStatus {
  /** The exit code, or null if a signal ended the process. */
  exitCode: number | null;
  /** The signal that ended the process ('SIGTERM', 'SIGKILL'...), or null. */
  signal: NodeJS.Signals | null;
}

const SPAWN_KEYS = ['cwd', 'env', 'stdin', 'stdout', 'stderr', 'graceMs'] as const;

/** A running subprocess, from `spawnProcess`. */
export class Process {
  /** Its standard input, if piped (write to it; `close()` it to send the end). */
  readonly stdin: Stream | null;
  /** Its standard output, if piped. */
  readonly stdout: Stream | null;
  /** Its standard error, if piped. */
  readonly stderr: Stream | null;
  private status: ProcessStatus | null = null;
  private waiters: ((status: ProcessStatus) => void)[] = [];

  /** @internal */
  constructor(
    private readonly child: ChildProcess,
    /** The process id, which is also the id of its process group. */
    readonly pid: number,
    private readonly label: string,
  ) {
    this.stdin = child.stdin ? new Stream(null, child.stdin, `stdin of ${label}`) : null;
    this.stdout = child.stdout ? new Stream(child.stdout, null, `stdout of ${label}`) : null;
    this.stderr = child.stderr ? new Stream(child.stderr, null, `stderr of ${label}`) : null;
    child.on('exit', (exitCode, signal) => {
      this.status = { exitCode, signal };
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve(this.status);
    });
  }

  /** The exit code once the process has exited (null before, or if a signal ended it). */
  get exitCode(): number | null {
    return this.status?.exitCode ?? null;
  }

  /** Whether the process has exited. */
  get exited(): boolean {
    return this.status !== null;
  }

  /**
   * Waits until the process exits; returns its exit code and signal. (Its output may still
   * be in its pipes: read them to their end.)
   *
   * @example
   * const { exitCode } = await proc.wait();
   */
  wait(): Operation<ProcessStatus> {
    const proc = this;
    return fromCallback<ProcessStatus>(function processExit(resolve) {
      if (proc.status !== null) {
        resolve(proc.status);
        return;
      }
      proc.waiters.push(resolve);
      return () => {
        const i = proc.waiters.indexOf(resolve);
        if (i >= 0) proc.waiters.splice(i, 1);
      };
    });
  }

  /**
   * Sends `signal` (default SIGTERM) to the process and everything in its process group.
   * Returns false if the group is gone already.
   *
   * @example
   * proc.kill('SIGINT');
   */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (typeof signal !== 'string') {
      throw new TypeError(
        `process.kill(signal): signal must be a signal name, got ${show(signal)}`,
      );
    }
    return signalGroup(this.pid, signal);
  }

  /** @internal Ends the group: SIGTERM, up to `graceMs` for it to go, then SIGKILL. */
  *terminate(graceMs: number): Generator<unknown, void, unknown> {
    if (!this.exited || groupAlive(this.pid)) {
      signalGroup(this.pid, 'SIGTERM');
      const gone = yield* groupGone(this.pid, graceMs);
      if (!gone) {
        signalGroup(this.pid, 'SIGKILL');
        // SIGKILL is delivered when the kernel next schedules each process: wait until the
        // group is really gone, so that no member outlives the task even by a moment.
        yield* groupGone(this.pid, KILL_WAIT_MS);
      }
    }
    yield* this.wait();
  }

  /** @internal */
  destroyPipes(): void {
    this.stdin?.destroy();
    this.stdout?.destroy();
    this.stderr?.destroy();
  }

  /** @internal */
  get childProcess(): ChildProcess {
    return this.child;
  }

  toString(): string {
    return this.label;
  }
}

interface Resolved {
  cwd: string | undefined;
  env: NodeJS.ProcessEnv | undefined;
  stdio: [StdioMode, StdioMode, StdioMode];
  graceMs: number;
}

function checkSpawn(
  where: string,
  file: unknown,
  args: unknown,
  options: unknown,
  keys: readonly string[],
): Resolved {
  checkString(where, 'file', file);
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TypeError(`${where}: args must be an array of strings, got ${show(args)}`);
  }
  checkOptions(where, options, keys);
  const o = (options ?? {}) as SpawnProcessOptions;
  checkString(where, 'options.cwd', o.cwd, true);
  if (o.env !== undefined && (o.env === null || typeof o.env !== 'object')) {
    throw new TypeError(`${where}: options.env must be an object, got ${show(o.env)}`);
  }
  const modes = ['pipe', 'ignore', 'inherit'];
  const stdio = (['stdin', 'stdout', 'stderr'] as const).map((name) => {
    const mode = o[name] ?? 'pipe';
    if (!modes.includes(mode)) {
      throw new TypeError(
        `${where}: options.${name} must be one of 'pipe', 'ignore', 'inherit', got ${show(mode)}`,
      );
    }
    return mode;
  }) as [StdioMode, StdioMode, StdioMode];
  const graceMs = o.graceMs ?? DEFAULT_KILL_GRACE_MS;
  checkMs(where, 'options.graceMs', graceMs);
  return { cwd: o.cwd, env: o.env, stdio, graceMs };
}

/**
 * Starts the process and its watcher task (made by `spawnWatcher`, in the caller's context).
 */
function start(
  file: string,
  args: string[],
  o: Resolved,
  spawnWatcher: (body: () => unknown, name: string) => Task,
): Operation<Process> {
  return fromCallback<Process>(function spawnProcessRegister(resolve, reject) {
    const child = spawnChild(file, args, {
      cwd: o.cwd,
      env: o.env,
      stdio: o.stdio,
      detached: true, // its own process group, so that a cancel reaches its children too
    });
    if (child.pid === undefined) {
      // Not started (ENOENT, EACCES...): node reports it in an 'error' event.
      child.once('error', reject);
      return;
    }
    child.on('error', () => {}); // kill() failures: the exit (or the grace period) decides
    const label = `process ${child.pid} (${file})`;
    const proc = new Process(child, child.pid, label);
    spawnWatcher(() => watch(proc, o.graceMs), `watcher of ${label}`);
    resolve(proc);
  });
}

function* watch(proc: Process, graceMs: number): Generator<unknown, void, unknown> {
  let cancelled = true;
  try {
    yield* proc.wait();
    cancelled = false;
  } finally {
    // Cancelled, or exited leaving children in its group: end the group, whatever happens
    // around (shielded: this is cleanup that must finish).
    if (cancelled || groupAlive(proc.pid)) yield* shield(() => proc.terminate(graceMs));
    if (cancelled) proc.destroyPipes();
  }
}

/**
 * Starts `file` with `args` and returns the running `Process` (its pipes as Streams). The
 * process belongs to the calling task: that task does not finish before the process has
 * exited, and cancelling it (or a deadline around this call) sends SIGTERM to the process
 * group, then SIGKILL after `graceMs`.
 *
 * @example
 * const proc = await spawnProcess('sort', []);
 * await proc.stdin!.write('b\na\n');
 * await proc.stdin!.close();
 * console.log((await proc.stdout!.readUntil('\n')).toString()); // 'a\n'
 * await proc.wait();
 */
export function spawnProcess(
  file: string,
  args: string[] = [],
  options?: SpawnProcessOptions,
): Operation<Process> {
  const o = checkSpawn('spawnProcess(file, args, options)', file, args, options, SPAWN_KEYS);
  return start(file, args, o, (body, name) => spawn(body, { name }));
}

/** Options of `exec`. */
export interface ExecOptions {
  /** Written to the process's standard input, which is then closed (default: no input). */
  input?: string | Uint8Array;
  /** Kill the process and throw TimeoutError after this many ms (default: no limit). */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL when the process is cancelled (default 5000 ms). */
  graceMs?: number;
  /** The most output kept per stream, in bytes (default 64 MiB); more throws LimitOverrunError. */
  maxBuffer?: number;
  /** 'utf8' (default): stdout and stderr as strings; 'buffer': as Buffers. */
  encoding?: 'utf8' | 'buffer';
}

/** What `exec` returns. */
export interface ExecResult<Output = string> extends ProcessStatus {
  stdout: Output;
  stderr: Output;
}

const EXEC_KEYS = ['input', 'timeoutMs', 'cwd', 'env', 'graceMs', 'maxBuffer', 'encoding'] as const;

/**
 * Runs `file` with `args` to its end and returns its exit code, signal and output. A non-zero
 * exit code is returned, not thrown. With `timeoutMs`, a process still running then is
 * killed (SIGTERM, then SIGKILL after `graceMs`) and `exec` throws TimeoutError.
 *
 * @example
 * const { exitCode, stdout } = await exec('git', ['rev-parse', 'HEAD'], { timeoutMs: 5000 });
 */
export function exec(
  file: string,
  args?: string[],
  options?: ExecOptions & { encoding?: 'utf8' },
): Operation<ExecResult<string>>;
export function exec(
  file: string,
  args: string[],
  options: ExecOptions & { encoding: 'buffer' },
): Operation<ExecResult<Buffer>>;
export function exec(
  file: string,
  args: string[] = [],
  options?: ExecOptions,
): Operation<ExecResult<string | Buffer>> {
  const where = 'exec(file, args, options)';
  const o = checkSpawn(where, file, args, options, EXEC_KEYS);
  const input = options?.input;
  if (input !== undefined) checkBytes(where, 'options.input', input);
  const timeoutMs = options?.timeoutMs;
  if (timeoutMs !== undefined) checkMs(where, 'options.timeoutMs', timeoutMs);
  const maxBuffer = options?.maxBuffer ?? 64 * 1024 * 1024;
  checkPositiveInteger(where, 'options.maxBuffer', maxBuffer);
  const encoding = options?.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'buffer') {
    throw new TypeError(
      `${where}: options.encoding must be 'utf8' or 'buffer', got ${show(encoding)}`,
    );
  }
  o.stdio = [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'];
  const body = () =>
    taskGroup(function* (g: TaskGroup) {
      const proc = yield* start(file, args, o, (b, name) => g.spawn(b, { name }));
      const out = g.spawn(() => collect(proc.stdout as Stream, maxBuffer), { name: 'exec stdout' });
      const err = g.spawn(() => collect(proc.stderr as Stream, maxBuffer), { name: 'exec stderr' });
      if (input !== undefined) yield* feed(proc.stdin as Stream, input);
      const status = yield* proc.wait();
      const stdout: Buffer = yield* out;
      const stderr: Buffer = yield* err;
      return {
        exitCode: status.exitCode,
        signal: status.signal,
        stdout: encoding === 'utf8' ? stdout.toString('utf8') : stdout,
        stderr: encoding === 'utf8' ? stderr.toString('utf8') : stderr,
      };
    });
  return (timeoutMs === undefined ? body() : withTimeout(timeoutMs, body)) as Operation<
    ExecResult<string | Buffer>
  >;
}

function* collect(stream: Stream, maxBuffer: number): Generator<unknown, Buffer, unknown> {
  const chunks: Buffer[] = [];
  let total = 0;
  let chunk: Buffer | null;
  while ((chunk = yield* stream.read()) !== null) {
    total += chunk.length;
    if (total > maxBuffer) {
      throw new LimitOverrunError(
        `exec: ${stream} exceeded maxBuffer (${maxBuffer} bytes)`,
        maxBuffer,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

function* feed(stdin: Stream, input: string | Uint8Array): Generator<unknown, void, unknown> {
  try {
    yield* stdin.write(input);
    yield* stdin.closeWrite();
  } catch (error) {
    // A process that exits without reading all its input is its own business (as with a
    // shell pipe): the exit status tells the rest.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPIPE' && code !== 'ECONNRESET' && !(error instanceof ClosedResourceError))
      throw error;
  } finally {
    stdin.destroy();
  }
}
