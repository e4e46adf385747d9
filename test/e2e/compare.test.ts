// `simul compare --quick` as a user runs it: one run, its table, its JSON report (shape and
// sanity: a simul task costs orders of magnitude less memory and start-up time than a thread
// or a process) and its HTML report, opened in headless Chromium with a check that every
// chart was drawn. Then a run interrupted with Ctrl-C, which must leave no process behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import type { CompareReport, ModelReport } from '../../src/lab/compare/report.js';
import { findChromium, HOW_TO_GET_ONE, launch } from '../lab/browser.js';

const bin = fileURLToPath(new URL('../../bin/simul.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'simul-compare-'));
const jsonFile = join(dir, 'report.json');
const htmlFile = join(dir, 'report.html');
const MARK = `simul-compare-test-${process.pid}-${Date.now()}`;

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function simul(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<Outcome>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SIMUL_TEST_MARK: MARK },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The processes alive now that carry this test's mark in their environment. */
function marked(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(MARK)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

const run = simul(['compare', '--quick', '--json', jsonFile, '--html', htmlFile]);

test("simul compare --quick prints the talk's table and a verdict per claim, in under a minute", async () => {
  const start = performance.now();
  const { code, stdout, stderr } = await run;
  const wall = performance.now() - start;
  assert.equal(code, 0, stderr);
  for (const row of [
    'start one',
    'memory per unit: private',
    'fit in 1.0 GB',
    'CPU speed-up',
    'hello world ×10',
    'echo, 1 conn.',
  ]) {
    assert.match(stdout, new RegExp(`^  ${row.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), row);
  }
  assert.match(stdout, /^ {2}[✓✗?] optimize waiting periods/m);
  assert.match(stdout, /^ {2}[✓✗?] use all CPU cores/m);
  assert.match(stdout, /^ {2}[✓✗?] scalability: threads/m);
  assert.match(stdout, /JSON report: .*report\.json/);
  // Progress goes to stderr, a line per step when stderr is not a terminal.
  assert.match(stderr, /^compare \[1\/21\] start: processes$/m);
  assert.match(stderr, /^compare \[21\/21\] echo: simul tasks, 100 connections$/m);
  assert.ok(wall < 90_000, `took ${wall} ms`);
});

test('the JSON report: one object per model, the same keys, numbers that make sense', async () => {
  await run;
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as CompareReport;
  assert.equal(report.schema, 'simul-compare/1');
  assert.equal(report.mode, 'quick');
  assert.deepEqual(
    report.models.map((m) => m.model),
    ['process', 'thread', 'task'],
  );
  const keys = Object.keys(report.models[0] as ModelReport).sort();
  for (const m of report.models) assert.deepEqual(Object.keys(m).sort(), keys, m.model);
  assert.deepEqual(report.skipped, []);
  const [process_, thread, task] = report.models as [ModelReport, ModelReport, ModelReport];
  for (const m of report.models) {
    assert.ok(m.start !== null && m.start.medianMs > 0, `${m.model} start`);
    assert.ok(m.memory !== null && m.memory.rssBytes > 0, `${m.model} memory`);
    assert.ok(m.fit !== null && m.fit.count > 0, `${m.model} fit`);
    assert.ok(m.cpu !== null && m.cpu.speedup > 0, `${m.model} cpu`);
    assert.ok(m.hello !== null, `${m.model} hello`);
    // Ten 1 s sleeps at once: about 1 s, far from the 10 s of one after the other.
    assert.ok(
      m.hello.elapsedMs >= 1000 && m.hello.elapsedMs < 8000,
      `${m.model} hello ${m.hello.elapsedMs}`,
    );
    assert.deepEqual(
      m.echo.map((l) => l.connections),
      [1, 10, 100],
    );
    for (const l of m.echo) {
      assert.deepEqual(Object.keys(l).sort(), [
        'connections',
        'errors',
        'messages',
        'p50Ms',
        'p99Ms',
        'skipped',
        'throughput',
        'units',
      ]);
    }
  }
  const cost = (m: ModelReport): number => m.memory?.pssBytes ?? m.memory?.rssBytes ?? NaN;
  // Orders of magnitude: a task is at least 100 times cheaper to start and to keep.
  for (const other of [process_, thread]) {
    assert.ok(
      (other.start?.medianMs ?? 0) / (task.start?.medianMs ?? Infinity) > 100,
      `start vs ${other.model}`,
    );
    assert.ok(cost(other) / cost(task) > 100, `memory vs ${other.model}`);
  }
  assert.ok((task.memory?.pssBytes ?? Infinity) < 10_000, 'a sleeping task takes well under 10 kB');
  assert.ok((task.fit?.count ?? 0) > 100 * (thread.fit?.count ?? Infinity));
  // The task server answers every level; a process per connection cannot have 100 in 1 GB.
  assert.ok(task.echo.every((l) => l.skipped === null && (l.throughput ?? 0) > 0));
  assert.ok(process_.echo[0]?.skipped === null && (process_.echo[0]?.throughput ?? 0) > 0);
  assert.equal(report.verdicts.length, 8);
  for (const v of report.verdicts) assert.ok(['boolean', 'object'].includes(typeof v.holds));
});

test('the HTML report shows every chart in headless Chromium', async (t) => {
  await run;
  const found = await findChromium();
  if (found === null) {
    if (process.env['CI'] !== undefined) assert.fail(HOW_TO_GET_ONE);
    t.skip(HOW_TO_GET_ONE);
    return;
  }
  const browser = await launch(found);
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`file://${htmlFile}`);
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    const charts = page.locator('figure.chart');
    assert.equal(await charts.count(), 7);
    for (let i = 0; i < 7; i++) {
      const chart = charts.nth(i);
      const id = await chart.getAttribute('id');
      const marks = await chart.evaluate((figure) => {
        const svg = figure.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const drawn = [...(svg?.querySelectorAll('path, rect, line, circle') ?? [])].filter((e) => {
          const b = (e as unknown as { getBBox(): { width: number; height: number } }).getBBox();
          return b.width > 0 || b.height > 0;
        });
        return { width: box?.width ?? 0, height: box?.height ?? 0, drawn: drawn.length };
      });
      assert.ok(marks.width > 100 && marks.height > 100, `${id}: ${JSON.stringify(marks)}`);
      assert.ok(marks.drawn > 5, `${id}: ${JSON.stringify(marks)}`);
      // The screenshot of the chart: coloured pixels (the bars and lines), not a blank box.
      const png = PNG.sync.read(await chart.screenshot());
      let coloured = 0;
      for (let p = 0; p < png.data.length; p += 4) {
        const [r, g, b] = [png.data[p] ?? 0, png.data[p + 1] ?? 0, png.data[p + 2] ?? 0];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      }
      assert.ok(coloured > 200, `${id}: ${coloured} coloured pixels`);
    }
  } finally {
    await browser.close();
  }
});

test('Ctrl-C during simul compare stops it at once and leaves no process behind', async () => {
  await run; // alone on the machine's cores, and with no marked process of the first run
  let interrupted = false;
  let alive = 0;
  const { code, stderr } = await simul(['compare', '--quick'], (text, child) => {
    // Interrupt while a host process is running its units.
    if (!interrupted && text.includes('memory: 4 processes')) {
      interrupted = true;
      // ...once the host has forked some of its units (the command, the host, a unit).
      const deadline = Date.now() + 15_000;
      const poll = setInterval(() => {
        alive = marked().length;
        if (alive >= 3 || Date.now() > deadline) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
    }
  });
  assert.ok(interrupted, stderr);
  assert.ok(alive >= 3, `the command, a host and its units were running: ${alive}`);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted; every process it started has been stopped/);
  assert.deepEqual(marked(), []);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
