/**
 * `cluster(options, main)`: one process per core, async inside each (SPEC §9). The same
 * program runs in every process, as with node:cluster: in the primary, `cluster` starts the
 * workers and supervises them; in a worker, it runs `main` on a simul loop.
 */
import cluster_ from 'node:cluster';
import process from 'node:process';
import { checkBody } from '../core/body.js';
import { Primary } from './primary.js';
import { runWorker } from './worker.js';
import { resolveClusterOptions, type ClusterOptions } from './options.js';

/**
 * Runs `main` in `options.workers` processes (default: one per core) that share the ports
 * their servers listen on. In the primary, resolves once the cluster has stopped, with
 * `process.exitCode` set (0 after a clean drain, 1 after a crash loop, 130 / 143 when a second
 * signal forced the stop); in a worker, never resolves: the process exits when `main` ends.
 *
 * - A worker that exits unexpectedly is restarted, after 100 ms, doubling up to 10 s.
 * - 5 unexpected exits within 60 s are a crash loop: the cluster stops, naming the error.
 * - SIGTERM / SIGINT: every worker drains (its servers stop accepting, handlers get
 *   `graceMs`, then its root task is cancelled); the same signal again kills them.
 * - SIGHUP: rolling restart, one worker at a time; the port stays open.
 * - Workers exit when the primary dies, even by SIGKILL.
 *
 * @example
 * import { cluster, serveHttp } from 'simul';
 *
 * await cluster({ workers: 2 }, async () => {
 *   await serveHttp({ port: 8080 }, async (req, res) => {
 *     res.end(`hello from ${process.pid}\n`);
 *   });
 * });
 */
export async function cluster(options: ClusterOptions, main: () => unknown): Promise<void> {
  const resolved = resolveClusterOptions(options);
  checkBody('cluster(options, main)', 'main', main);
  if (cluster_.isPrimary) {
    process.exitCode = await new Primary(resolved).run();
    return;
  }
  await runWorker(main, resolved);
}
