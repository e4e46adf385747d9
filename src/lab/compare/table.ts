/** The talk's comparison table, printed from a report, with a verdict per claim. */
import { bytes, count, duration, textTable } from '../format.js';
import { MODELS, MODEL_LABELS, type Model } from './model.js';
import type { CompareReport, ModelReport } from './report.js';
import { TALK_SCALE } from './verdicts.js';

function row(
  name: string,
  models: ModelReport[],
  cell: (m: ModelReport) => string,
  talk = '',
): string[] {
  const by = Object.fromEntries(models.map((m) => [m.model, m])) as Record<Model, ModelReport>;
  return [name, ...MODELS.map((model) => cell(by[model])), talk];
}

export function comparisonTable(report: CompareReport): string[] {
  const { models, budgetBytes } = report;
  const speed = (m: ModelReport): string => (m.cpu === null ? '—' : `${m.cpu.speedup.toFixed(2)}×`);
  const levels = [...new Set(models.flatMap((m) => m.echo.map((l) => l.connections)))];
  const rows = [
    ['', ...MODELS.map((m) => MODEL_LABELS[m]), 'the talk'],
    row('start one', models, (m) => duration(m.start?.medianMs ?? null)),
    row('memory per unit: private', models, (m) => bytes(m.memory?.privateBytes ?? null)),
    row('  shared with the others', models, (m) =>
      m.memory === null
        ? '—'
        : `${bytes(m.memory.sharedBytes)}${m.model === 'process' ? '' : ' (the process)'}`,
    ),
    row('  PSS (fair share)', models, (m) => bytes(m.memory?.pssBytes ?? null)),
    row(`fit in ${bytes(budgetBytes)}`, models, (m) =>
      m.fit === null
        ? '—'
        : `${count(m.fit.count)}${m.fit.method === 'extrapolated' ? ' (est.)' : ''}`,
    ),
    row('scalability', models, (m) => TALK_SCALE[m.model], 'processes < threads < async'),
    row(
      `CPU speed-up, ${models[0]?.cpu?.workers ?? '?'} cores`,
      models,
      speed,
      'only processes use all cores',
    ),
    row(
      `hello world ×${models[0]?.hello?.n ?? '?'}`,
      models,
      (m) => duration(m.hello?.elapsedMs ?? null),
      `all ≈ one sleep (${duration(models[0]?.hello?.delayMs ?? null)})`,
    ),
    ...levels.map((c) =>
      row(`echo, ${c} conn.: msg/s, p99`, models, (m) => {
        const l = m.echo.find((x) => x.connections === c);
        if (l === undefined || l.skipped !== null) return '—';
        return `${count(l.throughput)}/s, ${duration(l.p99Ms)}`;
      }),
    ),
    row(
      'blocking calls',
      models,
      (m) => (m.model === 'task' ? 'no: they stall' : 'yes'),
      'not in async',
    ),
  ];
  const lines = textTable(rows);
  lines.push('');
  lines.push('Verdicts (what this machine shows):');
  for (const v of report.verdicts) {
    const mark = v.holds === null ? '?' : v.holds ? '✓' : '✗';
    lines.push(`  ${mark} ${v.claim} — the talk: ${v.talk}.`);
    lines.push(`      ${v.verdict}.`);
  }
  const skippedLevels = models.flatMap((m) =>
    m.echo
      .filter((l) => l.skipped !== null)
      .map((l) => `${m.label} at ${l.connections} connections: ${l.skipped}`),
  );
  if (skippedLevels.length > 0 || report.skipped.length > 0) {
    lines.push('');
    lines.push('Not measured:');
    for (const s of [...skippedLevels, ...report.skipped]) lines.push(`  - ${s}`);
  }
  return lines;
}
