/**
 * The server side of the echo benchmark (bench/io-echo.bench.ts), in a process of its own:
 * `node io-echo-server.js simul|raw`. Echoes every chunk back. Tells its parent the port,
 * and answers 'mem' with its memory after a full collection (needs --expose-gc).
 */
import net from 'node:net';
import { listen, run } from '../src/index.js';

const impl = process.argv[2];

function memory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage();
}

process.on('message', (message) => {
  if (message === 'mem') process.send?.({ mem: memory() });
  if (message === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));

if (impl === 'raw') {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('end', () => socket.end());
    socket.on('error', () => socket.destroy());
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
    process.send?.({ port: (server.address() as net.AddressInfo).port }),
  );
} else if (impl === 'simul-gen') {
  await run(function* () {
    const server = yield* listen(
      { port: 0, host: '127.0.0.1', backlog: 4096, onError: () => {} },
      function* (stream) {
        for (;;) {
          const chunk = yield* stream.read();
          if (chunk === null) break;
          yield* stream.write(chunk);
        }
      },
    );
    process.send?.({ port: server.port });
  });
} else {
  await run(async () => {
    const server = await listen(
      { port: 0, host: '127.0.0.1', backlog: 4096, onError: () => {} },
      async (stream) => {
        for (;;) {
          const chunk = await stream.read();
          if (chunk === null) break;
          await stream.write(chunk);
        }
      },
    );
    process.send?.({ port: server.port });
  });
}
