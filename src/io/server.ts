/**
 * What a TCP server and an HTTP server share: the server task, its task group, the handler
 * tasks and a graceful close. The design follows Trio's `serve_tcp` and the issue's
 * handshake: `await listen(...)` spawns the server task as a child of the caller (so the
 * caller lives until the server is closed), and resolves once the socket is listening.
 *
 * - Each connection (or request) runs its handler in a task of the server's group. A handler
 *   that throws is reported through `onError` and ends only its own connection: its error is
 *   caught in its task, so it never cancels the group.
 * - `close({ graceMs })` stops accepting, lets the handlers finish, cancels those still
 *   running after the grace period, and returns once every handler task has finished.
 * - Cancelling the task that called `listen` cancels the server task: handlers are
 *   cancelled, sockets destroyed, the listening socket closed.
 * - The server task waits on simul Events, not on foreign waits: an idle server does not
 *   freeze the virtual clock (its connections' reads do, while they wait for real bytes).
 */
/* eslint-disable @typescript-eslint/no-this-alias -- the register functions are named (the
   name shows in dumps of what a task waits on), so they reach the instance through a local */
import type { AddressInfo } from 'node:net';
import type { Server as NetServer } from 'node:net';
import { spawn } from '../core/spawn.js';
import { current } from '../core/spawn.js';
import { fromCallback } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';
import { taskGroup, type TaskGroup } from '../core/task-group.js';
import { moveOnAfter } from '../core/scoped.js';
import { cancellationOf } from '../core/errors.js';
import type { Task } from '../core/task.js';
import { Event } from '../sync/event.js';
import { checkMs, checkOptions, show } from './validate.js';
import { serverClosed, serverListening } from './server-registry.js';

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor;

/** Default grace period of `server.close()`. */
export const DEFAULT_GRACE_MS = 5000;

/** What a server reports when a handler fails. */
export interface HandlerFailure {
  /** 'tcp', 'tls' or 'http'. */
  server: string;
  /** The peer's address, if known. */
  remoteAddress: string | undefined;
  remotePort: number | undefined;
}

/** Where handler failures go: by default, printed to stderr with the peer's address. */
export type OnError = (error: unknown, where: HandlerFailure) => void;

export function defaultOnError(error: unknown, where: HandlerFailure): void {
  console.error(
    `simul: a ${where.server} handler failed (peer ${where.remoteAddress}:${where.remotePort}):`,
    error,
  );
}

/** Options of `server.close()`. */
export interface CloseOptions {
  /**
   * How long handlers may run on after the close, in ms, before they are cancelled
   * (default 5000). 0 cancels them at once.
   */
  graceMs?: number;
}

/** A listening server, as returned by `listen` and `serveHttp`. */
export abstract class Server {
  /** @internal */ protected group: TaskGroup | null = null;
  private live = 0;
  private closing = false;
  private graceMs = DEFAULT_GRACE_MS;
  private readonly closeRequested = new Event({ name: 'server close requested' });
  private readonly idle = new Event({ name: 'server handlers done' });
  private readonly finished = new Event({ name: 'server closed' });
  private listening = false;
  private bound: AddressInfo | null = null;

  /** @internal */
  constructor(
    protected readonly kind: string,
    protected readonly netServer: NetServer,
    protected readonly onError: OnError,
  ) {}

  /** The port the server listens on (the one the system chose, if you asked for port 0). */
  get port(): number {
    return this.address.port;
  }

  /** The address the server listens on. */
  get address(): AddressInfo {
    return (this.bound ??= this.netServer.address() as AddressInfo);
  }

  /** Handler tasks running now (one per open connection, or per request in flight). */
  get connections(): number {
    return this.live;
  }

  /** True once `close()` was called or the server task ended. */
  get closed(): boolean {
    return this.closing || this.finished.isSet();
  }

  /**
   * Stops accepting, waits for the handlers to finish, cancels those still running after
   * `graceMs` (default 5000), and returns once every handler has ended and the listening
   * socket is closed. The close starts when `close` is called, awaited or not.
   *
   * @example
   * await server.close({ graceMs: 1000 });
   */
  close(options?: CloseOptions): Operation<void> {
    const where = 'server.close(options)';
    checkOptions(where, options, ['graceMs']);
    const graceMs = options?.graceMs ?? DEFAULT_GRACE_MS;
    checkMs(where, 'options.graceMs', graceMs);
    if (!this.closing) {
      this.closing = true;
      this.graceMs = graceMs;
      this.closeRequested.set();
    }
    return this.finished.wait();
  }

  /** @internal Stops accepting (and, for HTTP, closes idle keep-alive connections). */
  protected stopAccepting(): void {
    if (this.netServer.listening) this.netServer.close();
  }

  /** @internal The grace period is over: force what is left (HTTP closes its sockets). */
  protected forceClose(): void {}

  /** @internal Every handler is done: let the last responses reach their clients (HTTP). */
  protected drain(): Operation<void> | undefined {
    return undefined;
  }

  /** @internal Whether the server task still runs (closing or not): handlers can be spawned. */
  protected get running(): boolean {
    return this.group !== null && !this.finished.isSet();
  }

  /** @internal Whether a new connection may get a handler task. */
  protected get accepting(): boolean {
    return this.group !== null && !this.closing && !this.finished.isSet();
  }

  /** @internal Spawns a handler task in the server's group. */
  protected spawnHandler(body: () => unknown, name: string): Task {
    this.live++;
    return (this.group as TaskGroup).spawn(body, { name });
  }

  /** @internal A handler task has ended. */
  protected handlerExited(): void {
    this.live--;
    if (this.live === 0 && this.closing) this.idle.set();
  }

  /** @internal Starts the server task as a child of the calling task; resolves once listening. */
  start(listen: (server: NetServer, done: (error?: Error) => void) => void): Operation<this> {
    const server = this;
    return fromCallback<this>(function listenRegister(resolve, reject) {
      const task = spawn(() => server.run(listen, resolve, reject), {
        name: `${server.kind} server`,
      });
      return () => task.cancel('the listen() call was cancelled');
    });
  }

  private *run(
    listen: (server: NetServer, done: (error?: Error) => void) => void,
    resolve: (server: this) => void,
    reject: (error: unknown) => void,
  ): Generator<unknown, void, unknown> {
    const server = this;
    try {
      yield* taskGroup(function* (g) {
        server.group = g;
        try {
          yield* fromCallback<void>(function listening(ok, fail) {
            listen(server.netServer, (error) => (error ? fail(error) : ok()));
            return () => server.netServer.close();
          });
        } catch (error) {
          // The error goes to the caller of listen(), once; the server task ends quietly.
          reject(error);
          return;
        }
        server.listening = true;
        server.bound = server.netServer.address() as AddressInfo;
        server.netServer.on('error', (error) => server.reportServerError(error));
        serverListening(server);
        resolve(server);
        yield* server.closeRequested.wait();
        server.stopAccepting();
        if (server.live > 0) {
          yield* moveOnAfter(server.graceMs, () => server.idle.wait());
        }
        if (server.live > 0) {
          server.forceClose();
          g.cancel(`the server was closed and its grace period of ${server.graceMs} ms is over`);
        } else {
          const draining = server.drain();
          if (draining !== undefined) yield* draining;
        }
      });
    } finally {
      server.closing = true;
      server.stopAccepting();
      server.forceClose();
      server.finished.set();
      server.group = null;
      serverClosed(server);
    }
  }

  private reportServerError(error: unknown): void {
    // Accept errors (EMFILE...) and the like: the server goes on, the error is reported.
    this.onError(error, { server: this.kind, remoteAddress: undefined, remotePort: undefined });
  }

  /** @internal Who the peer of a handler is, for `onError`. */
  protected abstract peer(a: unknown, b: unknown): HandlerFailure;

  /** @internal After the handler: close its connection (or answer its request). */
  protected abstract finish(
    outcome: 'done' | 'failed' | 'cancelled',
    a: unknown,
    b: unknown,
  ): Operation<void> | void;

  /**
   * @internal The body of a handler task: runs `handler(a, b)` in whatever style it is
   * written, reports its failure, and calls `finish` to close the connection; the error never
   * leaves the task (it would cancel the whole server). No closure but the body itself per
   * connection (memory per connection is a benchmark target).
   */
  protected handlerBody(
    handler: (...args: never[]) => unknown,
    a: unknown,
    b?: unknown,
  ): () => unknown {
    const call = handler as (a: unknown, b: unknown) => unknown;
    if (handler instanceof GeneratorFunction) {
      return () => this.runGenerator(call, a, b);
    }
    return () => this.runAsync(call, a, b);
  }

  private *runGenerator(
    call: (a: unknown, b: unknown) => unknown,
    a: unknown,
    b: unknown,
  ): Generator<unknown, void, unknown> {
    let outcome: 'done' | 'failed' | 'cancelled' = 'done';
    try {
      yield* call(a, b) as Iterable<unknown>;
    } catch (error) {
      outcome = this.classify(error, a, b);
    } finally {
      try {
        const closing = this.finish(outcome, a, b);
        if (closing !== undefined) yield* closing;
      } finally {
        this.handlerExited();
      }
    }
  }

  private async runAsync(
    call: (a: unknown, b: unknown) => unknown,
    a: unknown,
    b: unknown,
  ): Promise<void> {
    let outcome: 'done' | 'failed' | 'cancelled' = 'done';
    try {
      const result = call(a, b);
      if (isIterator(result)) await taskGroup(() => result);
      else await result;
    } catch (error) {
      outcome = this.classify(error, a, b);
    } finally {
      try {
        const closing = this.finish(outcome, a, b);
        if (closing !== undefined) await closing;
      } finally {
        this.handlerExited();
      }
    }
  }

  private classify(error: unknown, a: unknown, b: unknown): 'failed' | 'cancelled' {
    if (cancellationOf(error) !== null && current().signal.aborted) return 'cancelled';
    this.onError(error, this.peer(a, b));
    return 'failed';
  }

  toString(): string {
    const address = this.listening
      ? `${this.address.address}:${this.address.port}`
      : 'not listening';
    return `${this.kind} server on ${address} (${this.live} handlers)`;
  }
}

function isIterator(value: unknown): value is Iterator<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Iterator<unknown>).next === 'function' &&
    typeof (value as Iterator<unknown>).throw === 'function' &&
    typeof (value as { then?: unknown }).then !== 'function'
  );
}

/** Checks the options every server takes; returns the onError to use. */
export function checkServerOptions(
  where: string,
  options: unknown,
  allowed: readonly string[],
): { port: number; host: string | undefined; onError: OnError } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object with a port, got ${show(options)}`);
  }
  checkOptions(where, options, allowed);
  const o = options as { port?: unknown; host?: unknown; onError?: unknown };
  if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 0 || o.port > 65535) {
    const kind = typeof o.port === 'number' ? RangeError : TypeError;
    throw new kind(
      `${where}: options.port must be an integer from 0 to 65535 (0: any free port), got ${show(o.port)}`,
    );
  }
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) {
    throw new TypeError(`${where}: options.host must be a non-empty string, got ${show(o.host)}`);
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw new TypeError(`${where}: options.onError must be a function, got ${show(o.onError)}`);
  }
  return {
    port: o.port,
    host: o.host as string | undefined,
    onError: (o.onError as OnError | undefined) ?? defaultOnError,
  };
}
