/**
 * One process per core (issue 10): a handler doing ~2 ms of CPU work per request, served by
 * `cluster` with 2 workers against 1 worker, and by one process that sends the work to
 * `toThread`. Load comes from autocannon in a separate process (on the same 2 cores: it takes
 * its share of CPU, and the report says so). The modes alternate, three rounds; the best run
 * of each counts. Target: 2 workers >= 1.7x the throughput of 1 worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { quick, ratio, table } from './harness.js';

const APP = new URL('./cluster-app.js', import.meta.url);
const LOAD = new URL('./io-http-load.js', import.meta.url);
const connections = 32;
const seconds = quick ? 2 : 6;
const rounds = quick ? 1 : 3;
const modes = ['1', '2', 'thread'] as const;
type Mode = (typeof modes)[number];

interface Result {
  rate: number;
  p99: number;
  errors: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      })
      .on('error', () => resolve(false));
  });
}

async function ready(port: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await answers(port))) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error('server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Both workers listening (for the 2-worker mode): a few more answers settle start-up.
  for (let i = 0; i < 20; i++) await answers(port);
}

async function once(mode: Mode): Promise<Result> {
  const port = await freePort();
  const server = fork(APP, [mode, String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    await ready(port, server);
    const load = fork(LOAD, [String(port), String(connections), String(seconds)]);
    return await new Promise<Result>((resolve, reject) => {
      load.on('message', (m) => resolve(m as Result));
      load.on('exit', (code) => reject(new Error(`load exited (${code}) before answering`)));
    });
  } finally {
    // The cluster's workers follow their primary (IPC disconnect).
    server.kill('SIGKILL');
    await new Promise((resolve) =>
      server.exitCode !== null ? resolve(0) : server.on('exit', resolve),
    );
  }
}

const runs: Record<Mode, Result[]> = { '1': [], '2': [], thread: [] };
const loadBefore = os.loadavg()[0] as number;
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? modes : [...modes].reverse();
  for (const mode of order) {
    process.stderr.write(`cluster: round ${round + 1}, ${mode}\n`);
    runs[mode].push(await once(mode));
  }
}
const loadAfter = os.loadavg()[0] as number;
const best = (list: Result[]): Result => list.reduce((a, b) => (b.rate > a.rate ? b : a));
const one = best(runs['1']);
const two = best(runs['2']);
const thread = best(runs.thread);
const speedup = two.rate / one.rate;
const row = (name: string, r: Result, vs: string) => [
  name,
  Math.round(r.rate).toLocaleString('en'),
  `${r.p99} ms`,
  r.errors,
  vs,
  runs[name.startsWith('cluster, 1') ? '1' : name.startsWith('cluster, 2') ? '2' : 'thread']
    .map((x) => Math.round(x.rate))
    .join(', '),
];
console.log(
  [
    '## Scale-out: cluster workers vs one process (2 ms of CPU per request)',
    '',
    `A handler that burns ${2} ms of CPU per request; autocannon (a separate process, on the ` +
      `same ${os.availableParallelism()} cores) with ${connections} connections, ${seconds} s per run; ` +
      `the modes alternate, ${rounds} rounds, best run of each. Target: 2 workers >= 1.7x 1 worker. ` +
      `Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`,
    '',
    table(
      ['', 'requests/s', 'p99 latency', 'errors', 'x vs 1 worker', 'every run (req/s)'],
      [
        row('cluster, 1 worker', one, '1.00x'),
        row(
          'cluster, 2 workers',
          two,
          `${ratio(two.rate, one.rate)} (${speedup >= 1.7 ? 'met' : '**missed**'})`,
        ),
        row('1 process, toThread', thread, ratio(thread.rate, one.rate)),
      ],
    ),
  ].join('\n'),
);
