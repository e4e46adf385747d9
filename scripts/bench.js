// Runs the benchmarks: every compiled dist/bench/*.bench.js, each in a process of its own
// (so that memory numbers never mix), prints the Markdown each one writes on stdout, and
// writes docs/benchmarks.md: the command to reproduce, the machine, the date, and every
// section. Run through `npm run bench`, which builds first.
//
//   npm run bench                  every bench, full sizes (writes docs/benchmarks.md)
//   npm run bench -- --quick       smaller sizes, a smoke run (writes .bench-tmp/benchmarks.md)
//   npm run bench -- core memory   only the benches whose file name contains a filter
//   npm run bench -- --out FILE    write the report somewhere else
//
// A filtered run replaces only its own sections in an existing report. The block between
// <!-- notes:start --> and <!-- notes:end --> is written by hand and kept as it is.
// A bench declares the Node flags it needs in a comment at its top:
//   // @bench-node-flags --expose-gc --max-old-space-size=8192
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { basename, dirname, join } from 'node:path';
import { snapshotBuild } from './snapshot.js';

const DIST = 'dist';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const outFile =
  outAt >= 0 ? args[outAt + 1] : quick ? '.bench-tmp/benchmarks.md' : 'docs/benchmarks.md';
const filters = args.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1));

if (!existsSync(join(DIST, 'bench'))) {
  console.error(`${DIST}/bench not found: run \`npm run build\` first (npm run bench does)`);
  process.exit(1);
}
// The benches run from a snapshot of dist taken now: other work on this checkout may
// rebuild dist while a long run is in progress, and one report must measure one build.
const SNAPSHOT = snapshotBuild(DIST);
const BENCH_DIR = join(SNAPSHOT, 'bench');
const all = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.bench.js'))
  .sort();
const selected = filters.length ? all.filter((f) => filters.some((x) => f.includes(x))) : all;
if (selected.length === 0) {
  console.error(`no bench matches ${filters.join(', ')}; there are: ${all.join(', ')}`);
  process.exit(1);
}

/** The Node flags a bench asks for in its `// @bench-node-flags ...` comment. */
function nodeFlags(file) {
  const head = readFileSync(file, 'utf8').slice(0, 4000);
  const match = /@bench-node-flags\s+([^\n*]+)/.exec(head);
  return match ? match[1].trim().split(/\s+/) : [];
}

/** Runs one bench; its stdout (Markdown) is echoed and returned, its stderr passes through. */
function runBench(file) {
  const flags = nodeFlags(file);
  const argv = [...flags, file, ...(quick ? ['--quick'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on('close', (code, signal) => resolve({ ok: code === 0, code, signal, stdout, flags }));
  });
}

function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1].trim();
    const model = field('model name');
    const details = [
      field('cpu family') && `family ${field('cpu family')}`,
      field('model') && `model ${field('model')}`,
      field('cpu MHz') && `${Math.round(Number(field('cpu MHz')))} MHz`,
    ].filter(Boolean);
    if (model) cpu = details.length ? `${model} (${details.join(', ')})` : model;
  } catch {
    // not Linux: os.cpus() is all there is
  }
  const git = (...a) => spawnSync('git', a, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  return [
    ['CPU', cpu],
    ['cores', String(os.availableParallelism?.() ?? os.cpus().length)],
    ['RAM', `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`],
    ['Node', `${process.version} (${process.execPath})`],
    ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
    // Other work on a shared machine skews timings: say how busy it was.
    ['load average at start (1, 5, 15 min)', loadAtStart],
    ['commit', commit ? `${commit}${dirty ? ' (with uncommitted changes)' : ''}` : 'unknown'],
  ];
}

function command() {
  const extra = args.filter((a) => a !== '--out' && !(outAt >= 0 && a === args[outAt + 1]));
  return `npm run bench${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
}

const NOTES_START = '<!-- notes:start -->';
const NOTES_END = '<!-- notes:end -->';
const sectionRe = /<!-- bench:([\w.-]+) -->\n([\s\S]*?)\n<!-- \/bench:\1 -->/g;

/** The hand-written notes and the sections of an existing report, to keep what we don't rerun. */
function previous(file) {
  const sections = new Map();
  let notes = null;
  if (!existsSync(file)) return { sections, notes };
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(NOTES_START);
  const end = text.indexOf(NOTES_END);
  if (start >= 0 && end > start) notes = text.slice(start, end + NOTES_END.length);
  for (const m of text.matchAll(sectionRe)) sections.set(m[1], m[2]);
  return { sections, notes };
}

function report(results) {
  const old = previous(outFile);
  const sections = new Map(filters.length ? old.sections : []);
  for (const r of results) sections.set(r.name, r.body);
  const date = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `scripts/bench.js`; every number below was measured, none is edited by hand.',
    '',
    'Reproduce: `npm run bench` (about 4 minutes on the machine below; ' +
      '`npm run bench -- --quick` is a smoke run with smaller sizes, and ' +
      '`npm run bench -- core` runs only the benches whose file name contains `core`).',
    '',
    `Last run: ${date}, \`${command()}\`` +
      `${quick ? ' (--quick: smaller sizes, not the reference numbers)' : ''}.`,
    '',
    '| machine | |',
    '| --- | --- |',
    ...machine().map(([k, v]) => `| ${k} | ${v} |`),
    '',
    old.notes ??
      `${NOTES_START}\n## Notes\n\n(Hand-written analysis goes here; scripts/bench.js keeps it.)\n${NOTES_END}`,
    '',
  ];
  for (const [name, body] of sections) {
    lines.push(`<!-- bench:${name} -->`, body, `<!-- /bench:${name} -->`, '');
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, lines.join('\n'));
  // The report is checked in and `npm run lint` checks its format: write it formatted.
  const prettier = join('node_modules', '.bin', 'prettier');
  if (existsSync(prettier)) spawnSync(prettier, ['--write', outFile], { stdio: 'ignore' });
}

const loadAtStart = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(', ');
const results = [];
let failed = false;
const t0 = performance.now();
for (const file of selected) {
  const name = basename(file, '.bench.js');
  const path = join(BENCH_DIR, file);
  console.error(`\n# bench ${name}${quick ? ' (--quick)' : ''}`);
  const started = performance.now();
  const r = await runBench(path);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const flags = r.flags.length ? `, node flags \`${r.flags.join(' ')}\`` : '';
  let body = r.stdout.trimEnd();
  if (!r.ok) {
    failed = true;
    body += `\n\n**This bench failed** (exit ${r.code ?? r.signal}); see its output above.`;
  }
  body += `\n\n_\`dist/bench/${file}\`: ${seconds} s on ${new Date().toISOString().slice(0, 10)}${flags}${quick ? ', --quick' : ''}._`;
  results.push({ name, body });
  console.log('');
}
report(results);
const total = ((performance.now() - t0) / 1000).toFixed(0);
console.error(`\nbenchmarks done in ${total} s; report written to ${outFile}`);
process.exit(failed ? 1 : 0);
