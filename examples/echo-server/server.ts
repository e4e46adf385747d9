/**
 * A line echo server on simul streams: one task per connection, each line sent back as it
 * arrives. A line longer than 1 KiB is malformed input: the client is told and disconnected,
 * and no more than the limit is ever buffered for it. Ctrl-C stops the server: its tasks
 * are cancelled and every connection is closed.
 *
 * Run it: `node dist/examples/echo-server/server.js [port]`, then `nc 127.0.0.1 7007`.
 */
import {
  IncompleteReadError,
  LimitOverrunError,
  listen,
  run,
  type Stream,
  type TcpServer,
  type Operation,
} from 'simul';
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const MAX_LINE = 1024;

/** Serves one connection: echoes lines until the client ends (or sends a line too long). */
export async function echo(stream: Stream): Promise<void> {
  for (;;) {
    let line: Buffer;
    try {
      line = await stream.readUntil('\n', { limit: MAX_LINE });
    } catch (error) {
      if (error instanceof LimitOverrunError) {
        await stream.write(`error: lines are limited to ${MAX_LINE} bytes\n`);
        return; // the server closes the connection
      }
      if (error instanceof IncompleteReadError) {
        if (error.partial.length > 0) await stream.write(error.partial); // a last line without \n
        return;
      }
      throw error;
    }
    await stream.write(line);
  }
}

/**
 * Starts the echo server; resolves with it once listening (its tasks belong to the caller).
 *
 * @example
 * const server = await g.start(async (started) => started(await serveEcho(0)));
 */
export function serveEcho(port: number, host = '127.0.0.1'): Operation<TcpServer> {
  return listen({ port, host, backlog: 4096 }, echo);
}

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 7007);
  // The server's tasks are children of the root task, so run() returns once the server is
  // closed; Ctrl-C cancels the root, which closes the server and every connection.
  await run(
    async () => {
      const server = await serveEcho(port);
      console.log(`echo server on 127.0.0.1:${server.port}; Ctrl-C to stop`);
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
