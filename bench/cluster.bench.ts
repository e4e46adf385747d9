/**
 * One process per core (issue 10): a handler doing ~2 ms of CPU work per request (a fixed
 * number of PBKDF2 rounds, calibrated at start: the same work whatever the load), served by
 * `cluster` with 2 workers against 1 worker, and by one process that sends the work to
 * `toThread`. Load comes from autocannon in a separate process (on the same 2 cores: it takes
 * its share of CPU, and the report says so). The modes alternate, three rounds; the best run
 * of each counts. Target: 2 workers >= 1.7x the throughput of 1 worker.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { quick, ratio, table } from './harness.js';
import { calibrate } from './cluster-job.js';

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
  /** CPU time the server's processes got during the load, per second of it: cores used. */
  cores: number;
}

/** The process and its children (the cluster's workers). */
function tree(pid: number): number[] {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return [pid, ...children.split('\n').filter(Boolean).map(Number)];
}

/** CPU seconds (user + system, every thread) used so far by each process of `pids`. */
function cpuSeconds(pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // Gone, or not Linux: the column reads "n/a".
    }
  }
  return used;
}

const TICKS = 100; // USER_HZ on Linux

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

const WORK_MS = 2;
const workRounds = calibrate(WORK_MS);

async function once(mode: Mode): Promise<Result> {
  const port = await freePort();
  const server = fork(APP, [mode, String(port), String(workRounds)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    await ready(port, server);
    const pids = tree(server.pid as number);
    const before = cpuSeconds(pids);
    const start = performance.now();
    const load = fork(LOAD, [String(port), String(connections), String(seconds)]);
    const result = await new Promise<Omit<Result, 'cores'>>((resolve, reject) => {
      load.on('message', (m) => resolve(m as Result));
      load.on('exit', (code) => reject(new Error(`load exited (${code}) before answering`)));
    });
    const elapsed = (performance.now() - start) / 1000;
    const after = cpuSeconds(pids);
    let used = 0;
    for (const [pid, seconds] of after) used += seconds - (before.get(pid) ?? seconds);
    return { ...result, cores: after.size > 0 ? used / elapsed : NaN };
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
  Number.isNaN(r.cores) ? 'n/a' : r.cores.toFixed(2),
  Number.isNaN(r.cores) ? 'n/a' : Math.round(r.rate / r.cores).toLocaleString('en'),
  runs[name.startsWith('cluster, 1') ? '1' : name.startsWith('cluster, 2') ? '2' : 'thread']
    .map((x) => Math.round(x.rate))
    .join(', '),
];
console.log(
  [
    '## Scale-out: cluster workers vs one process (2 ms of CPU per request)',
    '',
    `A handler that does ${WORK_MS} ms of CPU work per request (${workRounds.toLocaleString('en')} ` +
      'PBKDF2-SHA256 rounds, the fastest of 15 timings here); autocannon (a separate process, on the ' +
      `same ${os.availableParallelism()} cores) with ${connections} connections, ${seconds} s per run; ` +
      `the modes alternate, ${rounds} rounds, best run of each. Target: 2 workers >= 1.7x 1 worker. ` +
      `Load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. ` +
      '"Cores the server got": CPU time of the server\'s processes (primary, workers, threads) ' +
      'during the load, per second of it (from /proc): what the machine let it use; the ' +
      'speed-up of 2 workers can only show when the machine has a second core to give.',
    '',
    table(
      [
        '',
        'requests/s',
        'p99 latency',
        'errors',
        'x vs 1 worker',
        'cores the server got',
        'requests per CPU-second',
        'every run (req/s)',
      ],
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
