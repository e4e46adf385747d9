/**
 * A crawler: many concurrent fetches with a concurrency limit and a timeout each, against a
 * local site served by `serveHttp`. The platform's `fetch` gets `abortSignal()`, so a request
 * that times out is really aborted: the connection closes, and on the server side the
 * handler of that request is cancelled too (its `abortSignal()` aborts and its `finally`
 * runs), which the site counts.
 *
 * Run it: `node dist/examples/crawler/crawler.js` (serves a site of 200 pages, some slow,
 * and crawls it).
 */
import {
  abortSignal,
  run,
  Semaphore,
  serveHttp,
  sleep,
  taskGroup,
  until,
  withTimeout,
  TimeoutError,
  type HttpServer,
  type Operation,
} from 'simul';
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** What the demo site has seen. */
export interface SiteStats {
  served: number;
  /** Handlers cancelled because their client went away. */
  abortedOnServer: number;
}

/**
 * A site of `pages` pages (`/page/0` is the root): each links to a few others; every
 * `slowEvery`-th page takes `slowMs` to answer.
 */
export function serveSite(
  pages: number,
  options: { slowEvery: number; slowMs: number; stats: SiteStats },
): Operation<HttpServer> {
  const { slowEvery, slowMs, stats } = options;
  return serveHttp({ port: 0, host: '127.0.0.1', backlog: 1024 }, async (req, res) => {
    const match = /^\/page\/(\d+)$/.exec(req.url ?? '');
    const n = match === null ? -1 : Number(match[1]);
    if (n < 0 || n >= pages) {
      res.writeHead(404).end('no such page\n');
      return;
    }
    const signal = abortSignal();
    try {
      await sleep(n > 0 && n % slowEvery === 0 ? slowMs : 1);
      const links = [1, 2, 3].map((k) => `<a href="/page/${(n * 3 + k) % pages}">`).join('');
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>page ${n}</p>${links}`);
      stats.served++;
    } finally {
      if (signal.aborted) stats.abortedOnServer++;
    }
  });
}

export interface CrawlOptions {
  /** Requests in flight at most. */
  concurrency: number;
  /** Time limit per request, in ms. */
  timeoutMs: number;
  /** Called with each page's outcome. */
  onPage?: (url: string, outcome: 'ok' | 'timeout' | 'error') => void;
}

export interface CrawlReport {
  ok: number;
  timedOut: number;
  failed: number;
  /** The most requests that were in flight at once. */
  peakInFlight: number;
}

/** Crawls from `start`, following links within its origin, each page once. */
export function crawl(start: string, options: CrawlOptions): Operation<CrawlReport> {
  const { concurrency, timeoutMs, onPage } = options;
  const limit = new Semaphore(concurrency);
  const seen = new Set<string>([start]);
  const report: CrawlReport = { ok: 0, timedOut: 0, failed: 0, peakInFlight: 0 };
  let inFlight = 0;
  return taskGroup(async (g) => {
    const visit = async (url: string): Promise<void> => {
      let html: string;
      await limit.acquire();
      inFlight++;
      report.peakInFlight = Math.max(report.peakInFlight, inFlight);
      try {
        html = await withTimeout(timeoutMs, () =>
          until((signal) => fetch(url, { signal }).then((res) => res.text())),
        );
      } catch (error) {
        const timedOut = error instanceof TimeoutError;
        if (timedOut) report.timedOut++;
        else report.failed++;
        onPage?.(url, timedOut ? 'timeout' : 'error');
        return;
      } finally {
        inFlight--;
        limit.release();
      }
      report.ok++;
      onPage?.(url, 'ok');
      for (const [, href] of html.matchAll(/href="([^"]+)"/g)) {
        const next = new URL(href, url).href;
        if (!seen.has(next)) {
          seen.add(next);
          g.spawn(() => visit(next));
        }
      }
    };
    g.spawn(() => visit(start));
    return report;
  }) as Operation<CrawlReport>;
}

/** Serves the demo site, crawls it, closes it; returns the crawl report and the site's stats. */
export async function crawlerDemo(
  print: (line: string) => void = console.log,
  { pages = 200, concurrency = 16, timeoutMs = 200, slowEvery = 10, slowMs = 2000 } = {},
): Promise<{ report: CrawlReport; stats: SiteStats }> {
  const stats: SiteStats = { served: 0, abortedOnServer: 0 };
  return run(async () =>
    taskGroup(async (g) => {
      const site = await g.start<HttpServer>(async (started) =>
        started(await serveSite(pages, { slowEvery, slowMs, stats })),
      );
      const report = await crawl(`http://127.0.0.1:${site.port}/page/0`, {
        concurrency,
        timeoutMs,
      });
      await site.close({ graceMs: 1000 });
      print(
        `crawled ${report.ok} pages, ${report.timedOut} timed out after ${timeoutMs} ms, ` +
          `${report.failed} failed; at most ${report.peakInFlight} requests at once (limit ${concurrency})`,
      );
      print(
        `the site served ${stats.served} pages and saw ${stats.abortedOnServer} requests aborted`,
      );
      return { report, stats };
    }),
  );
}

if (isProgram()) await crawlerDemo();

/** Whether node was started with this file rather than importing it (the tests import it). */
function isProgram(): boolean {
  const started = process.argv[1];
  // import.meta.url is the file's real path; argv[1] is the path as typed (maybe a symlink).
  return (
    started !== undefined &&
    existsSync(started) &&
    pathToFileURL(realpathSync(started)).href === import.meta.url
  );
}
