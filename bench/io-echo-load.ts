/**
 * The load generator of the echo benchmark, in a process of its own (plain node:net, so it
 * costs the same against both servers): `node io-echo-load.js port connections`. Opens the
 * connections, makes one round trip on each (so every server handler is waiting for its
 * next message), tells the parent 'connected' and waits; on { go: ms }, each connection
 * sends a 32-byte message, waits for its echo, and repeats, for that long; then reports the
 * number of round trips and their latency percentiles.
 */
import net from 'node:net';

const port = Number(process.argv[2]);
const connections = Number(process.argv[3]);
const MESSAGE = Buffer.alloc(32, 97);

interface Conn {
  socket: net.Socket;
  received: number;
  sentAt: number;
}

let running = false;
let roundTrips = 0;
let latencies: number[] = [];
const conns: Conn[] = [];

function send(conn: Conn): void {
  conn.received = 0;
  conn.sentAt = performance.now();
  conn.socket.write(MESSAGE);
}

async function open(): Promise<void> {
  const batch = 500;
  for (let i = 0; i < connections; i += batch) {
    const n = Math.min(batch, connections - i);
    await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((resolve, reject) => {
            const socket = net.connect({ port, host: '127.0.0.1' }, () => {
              socket.setNoDelay(true);
              resolve();
            });
            socket.once('error', reject);
            const conn: Conn = { socket, received: 0, sentAt: 0 };
            conns.push(conn);
            socket.on('data', (chunk) => {
              conn.received += chunk.length;
              if (conn.received < MESSAGE.length) return;
              if (running) {
                roundTrips++;
                latencies.push(performance.now() - conn.sentAt);
                send(conn);
              } else {
                conn.sentAt = -1; // warm-up round trip done
                warmDone();
              }
            });
          }),
      ),
    );
  }
}

let warm = 0;
let onWarm: (() => void) | null = null;
function warmDone(): void {
  if (++warm === connections) onWarm?.();
}

await open();
await new Promise<void>((resolve) => {
  onWarm = resolve;
  for (const conn of conns) send(conn);
});
process.send?.('connected');
process.on('message', (message: { go?: number }) => {
  if (message.go === undefined) return;
  latencies = [];
  roundTrips = 0;
  running = true;
  const t0 = performance.now();
  for (const conn of conns) send(conn);
  setTimeout(() => {
    running = false;
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number): number =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    process.send?.({
      rate: roundTrips / seconds,
      p50: at(0.5),
      p99: at(0.99),
      max: latencies[latencies.length - 1] ?? NaN,
    });
    for (const conn of conns) conn.socket.destroy();
    setTimeout(() => process.exit(0), 50);
  }, message.go);
});
