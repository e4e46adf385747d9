/**
 * A chat server: the busy-server case async exists for. Every client's first line is its
 * name; each line after that goes to every other client as `name: line`.
 *
 * Slow clients don't stall the others: a broadcast never waits on a socket. Each client
 * has an outbox (a bounded Queue) emptied by a writer task of its own, so a client that
 * reads slowly only fills its own outbox; once that is full, that client is disconnected
 * ("too slow"), and memory per client stays bounded. Malformed input (an empty or taken
 * name, a line over 1 KiB) gets an error line and a disconnect.
 *
 * Run it: `node dist/examples/chat-server/server.js [port]`, then several `nc 127.0.0.1 7008`.
 */
import {
  ClosedResourceError,
  IncompleteReadError,
  LimitOverrunError,
  listen,
  Queue,
  run,
  spawn,
  yieldNow,
  QueueFullError,
  type Operation,
  type Stream,
  type TcpServer,
} from 'simul';
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const MAX_LINE = 1024;
/** Lines waiting for one client before it counts as too slow. */
export const OUTBOX = 1024;

interface Client {
  name: string;
  outbox: Queue<string>;
  stream: Stream;
}

export class ChatRoom {
  readonly clients = new Map<string, Client>();
  /** Clients disconnected for being too slow, by name (for the tests and the log). */
  readonly dropped: string[] = [];

  /** Sends `line` to everyone but `from`, without ever waiting. */
  broadcast(from: string | null, line: string): void {
    for (const client of this.clients.values()) {
      if (client.name === from) continue;
      try {
        client.outbox.putNowait(line);
      } catch (error) {
        if (!(error instanceof QueueFullError)) throw error;
        this.drop(client);
      }
    }
  }

  private drop(client: Client): void {
    if (this.clients.get(client.name) !== client) return;
    this.clients.delete(client.name);
    this.dropped.push(client.name);
    client.outbox.close();
    client.stream.destroy(); // its reader ends, and with it its handler
  }

  /** Serves one connection. */
  async serve(stream: Stream): Promise<void> {
    const name = await this.readName(stream);
    if (name === null) return;
    const client: Client = { name, outbox: new Queue<string>({ maxsize: OUTBOX }), stream };
    this.clients.set(name, client);
    this.broadcast(name, `* ${name} joined\n`);
    const writer = spawn(async () => {
      // Drains the outbox until it is closed and empty.
      for (;;) {
        let line: string;
        try {
          line = await client.outbox.get();
        } catch {
          return;
        }
        try {
          await stream.write(line);
        } catch (error) {
          if (isGone(error)) return; // disconnected (or dropped): nobody to write to
          throw error;
        }
      }
    });
    try {
      for (;;) {
        const line = await readLine(stream);
        if (line === null) break;
        if (line.length > 0) this.broadcast(name, `${name}: ${line}\n`);
        // Lines of a fast sender arrive many to a chunk and are read without waiting:
        // let the writers run between two of them (the talk's sleep(0)).
        await yieldNow();
      }
    } catch (error) {
      if (error instanceof LimitOverrunError) {
        client.outbox.putNowait(`error: lines are limited to ${MAX_LINE} bytes\n`);
      } else if (!isGone(error)) throw error;
    } finally {
      if (this.clients.get(name) === client) {
        this.clients.delete(name);
        this.broadcast(name, `* ${name} left\n`);
      }
      client.outbox.close();
    }
    await writer; // what is queued for it goes out before the connection closes
  }

  private async readName(stream: Stream): Promise<string | null> {
    await stream.write('name? ');
    let name: string | null;
    try {
      name = await readLine(stream);
    } catch (error) {
      if (!(error instanceof LimitOverrunError)) throw error;
      name = '';
    }
    if (name === null) return null;
    if (!/^\w{1,32}$/.test(name)) {
      await stream.write('error: a name is 1 to 32 letters, digits or _\n');
      return null;
    }
    if (this.clients.has(name)) {
      await stream.write(`error: ${name} is taken\n`);
      return null;
    }
    await stream.write(`welcome, ${name}\n`);
    return name;
  }
}

/** The connection is gone: closed by this side (a dropped client) or reset by the peer. */
function isGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    error instanceof ClosedResourceError ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'QueueFullError'
  );
}

/** The next line without its newline; null at the end (an unterminated last line counts). */
async function readLine(stream: Stream): Promise<string | null> {
  try {
    return (await stream.readUntil('\n', { limit: MAX_LINE })).toString('utf8').trimEnd();
  } catch (error) {
    if (error instanceof IncompleteReadError) {
      return error.partial.length > 0 ? error.partial.toString('utf8').trimEnd() : null;
    }
    throw error;
  }
}

/** Starts a chat room on `port`; resolves with the server and the room once listening. */
export function serveChat(
  port: number,
  host = '127.0.0.1',
  room = new ChatRoom(),
): Operation<TcpServer> {
  return listen({ port, host, backlog: 1024 }, (stream) => room.serve(stream));
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 7008);
  await run(
    async () => {
      const server = await serveChat(port);
      console.log(`chat server on 127.0.0.1:${server.port}; Ctrl-C to stop`);
    },
    { handleSignals: true },
  );
}

if (isProgram()) await main();

/** Whether node was started with this file rather than importing it (the tests import it). */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
