/**
 * serveHttp against a plain node:http server with the same handler (issue 7): 1,000
 * keep-alive connections from autocannon in a separate process. simul and raw alternate,
 * twice each; the best run of each counts. Target: throughput ratio >= 0.9.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { quick, ratio, table } from './harness.js';

const SERVER = new URL('./io-http-server.js', import.meta.url);
const LOAD = new URL('./io-http-load.js', import.meta.url);
const connections = quick ? 200 : 1000;
const seconds = quick ? 3 : 8;

interface Result {
  rate: number;
  p99: number;
  errors: number;
}

function message<T>(child: ChildProcess, pick: (m: unknown) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      const v = pick(m);
      if (v !== undefined) resolve(v);
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before answering`)));
  });
}

async function once(impl: string): Promise<Result> {
  const server = fork(SERVER, [impl], { stdio: 'inherit' });
  try {
    const port = await message(server, (m) => (m as { port?: number }).port);
    const load = fork(LOAD, [String(port), String(connections), String(seconds)], {
      stdio: 'inherit',
    });
    return await message(load, (m) =>
      (m as Result).rate === undefined ? undefined : (m as Result),
    );
  } finally {
    server.kill();
  }
}

const runs: Record<string, Result[]> = { raw: [], simul: [] };
for (let round = 0; round < 2; round++) {
  for (const impl of round % 2 === 0 ? ['raw', 'simul'] : ['simul', 'raw']) {
    process.stderr.write(`io-http: round ${round + 1}, ${impl}\n`);
    runs[impl].push(await once(impl));
  }
}
const best = (list: Result[]): Result => list.reduce((a, b) => (b.rate > a.rate ? b : a));
const raw = best(runs.raw);
const simul = best(runs.simul);
const r = simul.rate / raw.rate;
console.log(
  [
    '## I/O: serveHttp vs plain node:http',
    '',
    `${connections.toLocaleString('en')} keep-alive connections from autocannon (a separate ` +
      `process), ${seconds} s per run, the same handler; best of 2 interleaved runs. ` +
      'Target: throughput ratio >= 0.9.',
    '',
    table(
      ['', 'requests/s', 'p99 latency', 'errors', 'x vs node:http'],
      [
        [
          'node:http',
          Math.round(raw.rate).toLocaleString('en'),
          `${raw.p99} ms`,
          raw.errors,
          '1.00x',
        ],
        [
          'simul serveHttp',
          Math.round(simul.rate).toLocaleString('en'),
          `${simul.p99} ms`,
          simul.errors,
          `${ratio(simul.rate, raw.rate)} (${r >= 0.9 ? 'met' : '**missed**'})`,
        ],
      ],
    ),
  ].join('\n'),
);
