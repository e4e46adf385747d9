/** Running a cluster (or `simul serve`) as a child process, and talking to it over loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export { alive } from '../io/helpers.js';

export const fixture = fileURLToPath(new URL('./fixtures/app.js', import.meta.url));
export const bin = fileURLToPath(new URL('../../bin/simul.js', import.meta.url));

/** A running program (a cluster primary, nginx): its output so far, and ways to wait for a line of it. */
export class Program {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.heard('stdout', chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.heard('stderr', chunk));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.wakeAll();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get output(): string {
    return this.stdout + this.stderr;
  }

  private heard(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `count` matches of `pattern` are in the output; returns them all. */
  async waitFor(pattern: RegExp, count = 1, timeoutMs = 20_000): Promise<RegExpMatchArray[]> {
    const global = new RegExp(pattern.source, 'g');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matches = [...this.output.matchAll(global)];
      if (matches.length >= count) return matches;
      if (this.child.exitCode !== null || this.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `expected ${count} × ${pattern} in the cluster's output; got ${matches.length}. Output:\n${this.output}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The port and worker pids, once `workers` workers said they listen. */
  async listening(workers: number): Promise<{ port: number; pids: number[] }> {
    const matches = await this.waitFor(/listening (\d+) (\d+)/, workers);
    return { port: Number(matches[0]?.[1]), pids: matches.map((m) => Number(m[2])) };
  }

  /** Kills the primary (if still running) and waits for it. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Starts the test fixture as a cluster primary, with `env` on top of this process's. */
export function startFixture(env: Record<string, string>): Program {
  const child = spawn(process.execPath, [fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Program(child);
}

/** Starts `simul serve ...args`. */
export function startServe(args: string[], env: Record<string, string> = {}): Program {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Program(child);
}

/** A GET on a fresh connection (no keep-alive, so each request is a new accept). */
export function get(
  port: number,
  path = '/',
  timeoutMs = 20_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`)),
    );
  });
}

/** Polls `condition` every 50 ms until it holds, or fails after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => boolean,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: still not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
