/**
 * A small HTTP app for `simul serve`: one process per core, async inside each. Every worker
 * runs `main`; their servers share the port. It answers which instance and which worker
 * process served the request, and `/slow?ms=N` takes N ms (to watch a drain finish it).
 *
 * Run it: `npx simul serve dist/examples/cluster/app.js --workers 2`, then
 * `curl 127.0.0.1:8080/`. `kill -TERM <primary>` drains, `kill -HUP <primary>` rolls the
 * workers. PORT, HOST and INSTANCE come from the environment, so that several instances
 * (on one host or many) can stand behind the load balancer of examples/cluster/nginx.conf.
 */
import process from 'node:process';
import { serveHttp, sleep } from 'simul';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const instance = process.env.INSTANCE ?? `${host}:${port}`;

export async function main(): Promise<void> {
  const server = await serveHttp({ port, host }, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (url.pathname === '/slow' && ms > 0) await sleep(Math.min(ms, 60_000));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`instance ${instance} worker ${process.pid}\n`);
  });
  console.log(`instance ${instance}: worker ${process.pid} listening on ${host}:${server.port}`);
}
