/**
 * The server side of the HTTP benchmark (bench/io-http.bench.ts): `node io-http-server.js
 * simul|raw`, the same handler on serveHttp or on a plain node:http server. Tells its parent
 * the port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { run, serveHttp } from '../src/index.js';

const impl = process.argv[2];
const BODY = 'hello, world\n';

process.on('disconnect', () => process.exit(0));

if (impl === 'raw') {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(BODY);
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
    process.send?.({ port: (server.address() as AddressInfo).port }),
  );
} else {
  await run(async () => {
    const server = await serveHttp(
      { port: 0, host: '127.0.0.1', backlog: 4096, onError: () => {} },
      async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(BODY);
      },
    );
    process.send?.({ port: server.port });
  });
}
