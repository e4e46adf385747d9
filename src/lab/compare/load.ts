/**
 * The load for the echo servers: `connections` clients on loopback, each sending a
 * message, waiting for its echo, and sending the next, as fast as the server answers (a
 * closed loop, like a chat of busy clients). Counts the round trips over `durationMs` and
 * keeps each one's latency for the percentiles. Plain node:net, so the client side costs
 * the same whatever server it talks to. Runs in a process of its own (load-main.ts).
 */
import net from 'node:net';

export interface LoadRequest {
  port: number;
  connections: number;
  durationMs: number;
  messageBytes: number;
}

export interface LoadResult {
  connections: number;
  messages: number;
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

export async function load(request: LoadRequest): Promise<LoadResult> {
  const { port, connections, durationMs, messageBytes } = request;
  const message = Buffer.alloc(messageBytes, 'x');
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let errors = 0;
  let measuring = false;
  let stopped = false;
  const sockets: net.Socket[] = [];

  const record = (ms: number): void => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = ms;
  };

  const connectOne = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });

  // Connect in waves, not all at once, so the accept backlog never overflows.
  for (let i = 0; i < connections; i += 256) {
    const wave = Math.min(256, connections - i);
    sockets.push(...(await Promise.all(Array.from({ length: wave }, connectOne))));
  }

  for (const socket of sockets) {
    let received = 0;
    let sentAt = 0;
    socket.removeAllListeners('error');
    socket.on('error', () => void errors++);
    socket.on('data', (chunk) => {
      received += chunk.length;
      while (received >= messageBytes) {
        received -= messageBytes;
        if (measuring) record(performance.now() - sentAt);
        if (stopped) return;
        sentAt = performance.now();
        socket.write(message);
      }
    });
    sentAt = performance.now();
    socket.write(message);
  }

  await new Promise((resolve) => setTimeout(resolve, Math.min(500, durationMs / 4))); // warm-up
  measuring = true;
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  measuring = false;
  const elapsed = performance.now() - start;
  stopped = true;
  for (const socket of sockets) socket.destroy();
  const sorted = latencies.slice(0, count).sort();
  return {
    connections,
    messages: count,
    throughput: count / (elapsed / 1000),
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    errors,
  };
}
