/**
 * The echo servers of `simul compare`, one per model, each in a host process of its own:
 *
 * - `task`: simul's `listen`, a task per connection (the talk's async server);
 * - `process`: a process per connection, as a pre-forking server does: the host accepts
 *   and hands the socket itself to an idle unit process, which echoes until the client
 *   leaves;
 * - `thread`: a thread per connection: Node cannot hand a socket to a worker thread, so the
 *   host's main thread reads and writes the socket and the connection's thread echoes each
 *   chunk back through its message port.
 *
 * Processes and threads are started before the load arrives (`units N` on stdin, answered
 * `ready N`), as a pre-forking server would; a connection that finds no idle unit waits for
 * one. The host prints `port P` once it listens.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { listen, run, type Stream } from '../../index.js';
import { startUnit, type OsModel, type Unit } from './units.js';
import type { Model } from './model.js';

async function echo(stream: Stream): Promise<void> {
  for await (const chunk of stream) await stream.write(chunk);
}

function taskServer(): void {
  void run(async () => {
    const server = await listen(
      { port: 0, host: '127.0.0.1', backlog: 4096, onError: () => {} },
      echo,
    );
    process.stdout.write(`port ${server.port}\n`);
    commands(async (n) => n);
    await new Promise(() => {}); // served until the host is stopped
  });
}

function unitServer(model: OsModel): void {
  const units: Unit[] = [];
  const idle: Unit[] = [];
  const waiting: net.Socket[] = [];
  const relays = new Map<Unit, net.Socket>();

  function assign(unit: Unit, socket: net.Socket): void {
    if (model === 'process') {
      unit.send('connection', socket);
      return;
    }
    relays.set(unit, socket);
    socket.on('data', (chunk) => unit.send({ chunk }));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      relays.delete(unit);
      release(unit);
    });
    socket.resume();
  }

  function release(unit: Unit): void {
    const next = waiting.shift();
    if (next === undefined) idle.push(unit);
    else assign(unit, next);
  }

  async function grow(n: number): Promise<number> {
    const more: Unit[] = [];
    while (units.length + more.length < n) more.push(startUnit(model, 'echo'));
    await Promise.all(more.map((u) => u.ready));
    for (const unit of more) {
      units.push(unit);
      unit.onMessage((m) => {
        if (m.type === 'idle') release(unit);
        else if (m.type === 'data') relays.get(unit)?.write(m.chunk);
      });
      release(unit);
    }
    return units.length;
  }

  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    const unit = idle.shift();
    if (unit === undefined) waiting.push(socket);
    else assign(unit, socket);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address() as net.AddressInfo;
    process.stdout.write(`port ${address.port}\n`);
    commands(grow);
  });
}

/** Reads `units N` lines from stdin; answers `ready M` once M units run. */
function commands(grow: (n: number) => Promise<number>): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    const n = Number(/^units (\d+)$/.exec(line)?.[1]);
    if (!Number.isInteger(n)) return;
    void grow(n).then((m) => process.stdout.write(`ready ${m}\n`));
  });
  process.stdin.on('end', () => process.exit(0));
}

/** Starts the echo server of `model` in this process. */
export function serveEcho(model: Model): void {
  if (model === 'task') taskServer();
  else unitServer(model);
}
