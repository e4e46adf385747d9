/**
 * `listen({ port, host }, handler)`: a TCP (or TLS) server whose connections are handled by
 * tasks. See server.ts for the shape every simul server shares (the handshake, the graceful
 * close, handler failures).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Operation } from '../core/operation.js';
import { checkBody } from '../core/body.js';
import { DEFAULT_HIGH_WATER_MARK, Stream } from './stream.js';
import { Server, checkServerOptions, type HandlerFailure, type OnError } from './server.js';
import { bindOptions } from './server-registry.js';
import { checkPositiveInteger, show } from './validate.js';

/** Options of `listen`. */
export interface ListenOptions {
  /** The port to listen on; 0 lets the system choose (read it from `server.port`). */
  port: number;
  /** The address to listen on (default: every interface, as node does). */
  host?: string;
  /** The length of the queue of pending connections (node's default: 511). */
  backlog?: number;
  /**
   * Serve TLS: node's `tls.createServer` options (`key` and `cert` at least). Handlers get
   * the same Stream API, over the decrypted bytes.
   */
  tls?: tls.TlsOptions;
  /** Where handler failures (and accept or TLS handshake errors) go (default: stderr). */
  onError?: OnError;
  /** Disable Nagle's algorithm on accepted sockets (default true). */
  noDelay?: boolean;
  /** Stop reading from a peer past this many unread bytes (default 65,536). */
  highWaterMark?: number;
}

const LISTEN_KEYS = [
  'port',
  'host',
  'backlog',
  'tls',
  'onError',
  'noDelay',
  'highWaterMark',
] as const;

/** A listening TCP (or TLS) server, from `listen`. */
export class TcpServer extends Server {
  /** @internal */
  constructor(
    netServer: net.Server,
    onError: OnError,
    private readonly handler: (stream: Stream) => unknown,
    private readonly secure: boolean,
    private readonly noDelay: boolean,
    private readonly highWaterMark: number,
  ) {
    super(secure ? 'TLS' : 'TCP', netServer, onError);
  }

  /** @internal */
  accept(socket: net.Socket): void {
    if (!this.accepting) {
      socket.destroy();
      return;
    }
    if (this.noDelay) socket.setNoDelay(true);
    const stream = new Stream(socket, socket, this.label, this.highWaterMark);
    this.spawnHandler(this.handlerBody(this.handler, stream), this.label);
  }

  /** @internal */
  protected peer(stream: unknown): HandlerFailure {
    const socket = (stream as Stream).socket;
    return {
      server: this.kind,
      remoteAddress: socket?.remoteAddress,
      remotePort: socket?.remotePort,
    };
  }

  /** @internal */
  protected finish(
    outcome: 'done' | 'failed' | 'cancelled',
    stream: unknown,
  ): Operation<void> | void {
    if (outcome !== 'done') {
      (stream as Stream).destroy();
      return undefined;
    }
    return (stream as Stream).close();
  }

  private get label(): string {
    return this.secure ? 'TLS connection' : 'TCP connection';
  }
}

/**
 * Listens on `options.port` and runs `handler(stream)` in a task of its own for each
 * connection; resolves once the server is listening. The server's tasks are children of the
 * calling task, which therefore lives until `server.close()` (or until it is cancelled). A
 * handler that throws is reported (`options.onError`) and closes only its own connection.
 * When the handler returns, its connection is closed.
 *
 * @example
 * await taskGroup(async (g) => {
 *   const server = await g.start(async (started) => {
 *     started(await listen({ port: 0, host: '127.0.0.1' }, async (stream) => {
 *       for await (const chunk of stream) await stream.write(chunk); // echo
 *     }));
 *   });
 *   console.log('listening on', server.port);
 *   // ... later:
 *   await server.close({ graceMs: 1000 });
 * });
 */
export function listen(
  options: ListenOptions,
  handler: (stream: Stream) => unknown,
): Operation<TcpServer> {
  const where = 'listen(options, handler)';
  const { port, host, onError } = checkServerOptions(where, options, LISTEN_KEYS);
  checkBody(where, 'handler', handler);
  if (options.backlog !== undefined)
    checkPositiveInteger(where, 'options.backlog', options.backlog);
  const tlsOptions = options.tls;
  if (tlsOptions !== undefined && (tlsOptions === null || typeof tlsOptions !== 'object')) {
    throw new TypeError(
      `${where}: options.tls must be an object of tls.createServer options, got ${show(tlsOptions)}`,
    );
  }
  const noDelay = options.noDelay ?? true;
  if (typeof noDelay !== 'boolean') {
    throw new TypeError(`${where}: options.noDelay must be a boolean, got ${show(noDelay)}`);
  }
  const highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  checkPositiveInteger(where, 'options.highWaterMark', highWaterMark);
  const secure = tlsOptions !== undefined;
  const netServer = secure
    ? tls.createServer({ ...tlsOptions, allowHalfOpen: true })
    : net.createServer({ allowHalfOpen: true });
  const server = new TcpServer(netServer, onError, handler, secure, noDelay, highWaterMark);
  if (secure) {
    netServer.on('secureConnection', (socket: tls.TLSSocket) => server.accept(socket));
    netServer.on('tlsClientError', (error: Error, socket: tls.TLSSocket) =>
      onError(error, {
        server: 'TLS handshake',
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort,
      }),
    );
  } else {
    netServer.on('connection', (socket: net.Socket) => server.accept(socket));
  }
  return server.start((s, done) => {
    const onListenError = (error: Error): void => done(error);
    s.once('error', onListenError);
    s.listen({ port, host, backlog: options.backlog, ...bindOptions() }, () => {
      s.off('error', onListenError);
      done();
    });
  });
}
