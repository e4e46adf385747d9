/**
 * `serveHttp({ port, host }, handler)`: node:http with each request's `handler(req, res)` in
 * a task of its own inside the server's scope (see server.ts for what every simul server
 * shares). HTTP adds:
 * - a client that disconnects before its response is finished cancels its handler (its
 *   `finally` blocks run and its `abortSignal()` aborts, so the work it started stops too);
 * - a handler that throws answers 500 (once: if the response had begun, the connection is
 *   destroyed instead) and is reported;
 * - a handler that returns without ending its response has it ended;
 * - on close, idle keep-alive connections are closed at once and busy ones once their
 *   request is done, so keep-alive clients never hold the close open;
 * - a connection accepted before the close whose first request arrives just after it (a
 *   client cannot know the server began closing) is served, not refused: such a request was
 *   accepted before the drain. node's own `http.Server.close` destroys those connections, so
 *   the server stops listening through `net.Server.close` and closes idle connections itself.
 */
import http from 'node:http';
import net from 'node:net';
import type { Operation } from '../core/operation.js';
import { fromCallback } from '../core/foreign.js';
import { checkBody } from '../core/body.js';
import { Server, checkServerOptions, type HandlerFailure, type OnError } from './server.js';
import { bindOptions } from './server-registry.js';
import { checkPositiveInteger } from './validate.js';

/** Options of `serveHttp`. */
export interface ServeHttpOptions {
  /** The port to listen on; 0 lets the system choose (read it from `server.port`). */
  port: number;
  /** The address to listen on (default: every interface, as node does). */
  host?: string;
  /** Where handler failures go (default: stderr). */
  onError?: OnError;
  /** How long an idle keep-alive connection stays open, in ms (node's default: 5000). */
  keepAliveTimeoutMs?: number;
  /** The length of the queue of pending connections (node's default: 511). */
  backlog?: number;
}

const KEYS = ['port', 'host', 'onError', 'keepAliveTimeoutMs', 'backlog'] as const;

export type HttpHandler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

/** A listening HTTP server, from `serveHttp`. */
export class HttpServer extends Server {
  /** @internal */
  constructor(
    netServer: http.Server,
    onError: OnError,
    private readonly handler: HttpHandler,
  ) {
    super('HTTP', netServer, onError);
    netServer.once('close', () => (this.netClosed = true));
    netServer.on('connection', (socket: net.Socket) => {
      const connection = { served: false, busy: 0 };
      this.sockets.set(socket, connection);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  private netClosed = false;
  /** Every open connection: whether it has sent a request yet, and how many are in flight. */
  private readonly sockets = new Map<net.Socket, { served: boolean; busy: number }>();

  private get http(): http.Server {
    return this.netServer as http.Server;
  }

  /** @internal */
  request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const connection = this.sockets.get(req.socket) ?? { served: true, busy: 0 };
    const first = !connection.served;
    connection.served = true;
    if (!this.accepting && !(first && this.running)) {
      // A request on a keep-alive connection after close(): refuse it politely.
      res.writeHead(503, { connection: 'close' }).end();
      return;
    }
    const body = this.handlerBody(this.handler, req, res);
    if (this.closed) res.shouldKeepAlive = false;
    connection.busy++;
    const task = this.spawnHandler(body, 'HTTP request');
    res.on('close', () => {
      connection.busy--;
      if (!res.writableFinished) task.cancel('the client disconnected');
      if (this.closed) this.closeIdle();
    });
  }

  /** Closes the connections that served requests and have none in flight now. */
  private closeIdle(): void {
    for (const [socket, connection] of this.sockets) {
      if (connection.served && connection.busy === 0) socket.destroy();
    }
  }

  /** @internal */
  protected peer(req: unknown): HandlerFailure {
    const socket = (req as http.IncomingMessage).socket;
    return { server: 'HTTP', remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
  }

  /** @internal */
  protected finish(
    outcome: 'done' | 'failed' | 'cancelled',
    _req: unknown,
    response: unknown,
  ): Operation<void> | void {
    const res = response as http.ServerResponse;
    if (outcome === 'failed') {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' });
        res.end('Internal Server Error\n');
      } else res.destroy();
    } else if (outcome === 'cancelled') {
      if (!res.writableEnded) res.destroy();
      return undefined;
    } else if (!res.writableEnded) {
      res.end();
    }
    // Not waiting for the response to be flushed: the server's close drains the connections
    // (see drain), and a wait per request would cost every request.
    return undefined;
  }

  /** @internal Waits (up to a second) until node has closed every connection, flushed. */
  protected override drain(): Operation<void> {
    const server = this.http;
    const httpDrain = (resolve: () => void): (() => void) | void => {
      if (this.netClosed) {
        resolve();
        return;
      }
      this.closeIdle();
      const timer = setTimeout(resolve, DRAIN_MS);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      server.once('close', done);
      return () => {
        clearTimeout(timer);
        server.off('close', done);
      };
    };
    return fromCallback<void>(httpDrain);
  }

  /** @internal Stops listening; connections that never sent a request stay (see above). */
  protected override stopAccepting(): void {
    if (this.http.listening) net.Server.prototype.close.call(this.http);
    this.closeIdle();
  }

  /** @internal */
  protected override forceClose(): void {
    this.http.closeAllConnections();
  }
}

/**
 * How long a closing server waits for its last responses to be flushed, and for the first
 * request of a connection it accepted just before the close.
 */
const DRAIN_MS = 1000;

/**
 * Serves HTTP on `options.port`: each request runs `handler(req, res)` (node's own request
 * and response objects) in a task of its own. Resolves once listening; the server's tasks
 * are children of the calling task, which lives until `server.close()`. For outgoing
 * requests, use the platform's `fetch` with `abortSignal()`.
 *
 * @example
 * const server = await serveHttp({ port: 8080, host: '127.0.0.1' }, async (req, res) => {
 *   const data = await until((signal) => fetch(upstream, { signal })); // cancelled if the client leaves
 *   res.writeHead(200, { 'content-type': 'application/json' });
 *   res.end(await until(data.text()));
 * });
 */
export function serveHttp(options: ServeHttpOptions, handler: HttpHandler): Operation<HttpServer> {
  const where = 'serveHttp(options, handler)';
  const { port, host, onError } = checkServerOptions(where, options, KEYS);
  checkBody(where, 'handler', handler);
  if (options.keepAliveTimeoutMs !== undefined) {
    checkPositiveInteger(where, 'options.keepAliveTimeoutMs', options.keepAliveTimeoutMs, 0);
  }
  if (options.backlog !== undefined)
    checkPositiveInteger(where, 'options.backlog', options.backlog);
  const netServer = http.createServer();
  if (options.keepAliveTimeoutMs !== undefined) {
    netServer.keepAliveTimeout = options.keepAliveTimeoutMs;
  }
  const server = new HttpServer(netServer, onError, handler);
  netServer.on('request', (req, res) => server.request(req, res));
  return server.start((s, done) => {
    const onListenError = (error: Error): void => done(error);
    s.once('error', onListenError);
    s.listen({ port, host, backlog: options.backlog, ...bindOptions() }, () => {
      s.off('error', onListenError);
      done();
    });
  });
}
