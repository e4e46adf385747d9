/**
 * `connect(port, host?, options?)`: a TCP (or TLS) connection as a `Stream`. The connection
 * belongs to the task that opened it: cancelling that task destroys the socket (as node's own
 * `signal` option does), and a deadline around `connect` aborts the attempt itself.
 */
import net from 'node:net';
import tls from 'node:tls';
import { current } from '../core/spawn.js';
import { fromCallback } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';
import { DEFAULT_HIGH_WATER_MARK, Stream } from './stream.js';
import { checkOptions, checkPort, checkPositiveInteger, checkString, show } from './validate.js';

/** Options of `connect`. */
export interface ConnectOptions {
  /**
   * Connect with TLS: `true` for the defaults, or node's `tls.connect` options (`ca`,
   * `servername`, `rejectUnauthorized`...). The Stream API is the same.
   */
  tls?: boolean | tls.ConnectionOptions;
  /** Disable Nagle's algorithm (default true: small writes go out at once). */
  noDelay?: boolean;
  /** Stop reading from the peer past this many unread bytes (default 65,536). */
  highWaterMark?: number;
}

const CONNECT_KEYS = ['tls', 'noDelay', 'highWaterMark'] as const;

/**
 * Opens a TCP connection to `host:port` (default host `localhost`) and returns it as a
 * `Stream` once connected. Cancelling the wait aborts the attempt; once connected, the stream
 * is destroyed if the task that opened it is cancelled. Close it with `close()`.
 *
 * @example
 * const stream = await connect(8000, '127.0.0.1');
 * try {
 *   await stream.write('ping\n');
 *   console.log((await stream.readUntil('\n')).toString());
 * } finally {
 *   await stream.close();
 * }
 */
export function connect(port: number, host?: string, options?: ConnectOptions): Operation<Stream> {
  const where = 'connect(port, host, options)';
  checkPort(where, 'port', port);
  if (port === 0) throw new RangeError(`${where}: port must be from 1 to 65535, got 0`);
  checkString(where, 'host', host, true);
  checkOptions(where, options, CONNECT_KEYS);
  const tlsOption = options?.tls;
  if (
    tlsOption !== undefined &&
    typeof tlsOption !== 'boolean' &&
    (tlsOption === null || typeof tlsOption !== 'object')
  ) {
    throw new TypeError(
      `${where}: options.tls must be a boolean or an object, got ${show(tlsOption)}`,
    );
  }
  const noDelay = options?.noDelay ?? true;
  if (typeof noDelay !== 'boolean') {
    throw new TypeError(`${where}: options.noDelay must be a boolean, got ${show(noDelay)}`);
  }
  const highWaterMark = options?.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
  checkPositiveInteger(where, 'options.highWaterMark', highWaterMark);
  const target = `${host ?? 'localhost'}:${port}`;
  return fromCallback<Stream>(function tcpConnect(resolve, reject) {
    const owner = current().signal;
    const secure = tlsOption !== undefined && tlsOption !== false;
    const socket: net.Socket = secure
      ? tls.connect({
          ...(tlsOption === true ? {} : tlsOption),
          port,
          host: host ?? 'localhost',
          allowHalfOpen: true,
        } as tls.ConnectionOptions)
      : net.connect({ port, host: host ?? 'localhost', allowHalfOpen: true });
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onConnect = (): void => {
      cleanup();
      if (noDelay) socket.setNoDelay(true);
      const stream = new Stream(
        socket,
        socket,
        `${secure ? 'TLS' : 'TCP'} stream to ${target}`,
        highWaterMark,
      );
      stream.bindTo(owner);
      resolve(stream);
    };
    const event = secure ? 'secureConnect' : 'connect';
    const cleanup = (): void => {
      socket.off('error', onError);
      socket.off(event, onConnect);
    };
    socket.once('error', onError);
    socket.once(event, onConnect);
    return () => {
      cleanup();
      socket.destroy();
    };
  });
}
