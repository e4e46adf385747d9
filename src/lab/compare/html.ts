/**
 * The HTML report of `simul compare --html FILE`: one self-contained file (inline SVG charts,
 * inline CSS, no script) with the machine, the table, the verdicts and the charts.
 */
import { bytes, duration } from '../format.js';
import { chartSpecs, renderSvg } from './charts.js';
import { comparisonTable } from './table.js';
import type { CompareReport } from './report.js';

const escape = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

export async function htmlReport(report: CompareReport): Promise<string> {
  const charts: string[] = [];
  for (const [id, spec] of chartSpecs(report)) {
    charts.push(`<figure class="chart" id="chart-${id}">${await renderSvg(spec)}</figure>`);
  }
  const m = report.machine;
  const verdicts = report.verdicts
    .map(
      (v) =>
        `<tr class="${v.holds === null ? 'unknown' : v.holds ? 'holds' : 'fails'}"><td>${v.holds === null ? '?' : v.holds ? '✓' : '✗'}</td>` +
        `<td>${escape(v.claim)}</td><td>${escape(v.talk)}</td><td>${escape(v.measured)}</td><td>${escape(v.verdict)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>simul compare: processes, threads and simul tasks on this machine</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 12px; }
table { border-collapse: collapse; } td, th { border-bottom: 1px solid #ddd; padding: .3em .6em; text-align: left; vertical-align: top; }
tr.holds td:first-child { color: #2a2; } tr.fails td:first-child { color: #c22; } tr.unknown td:first-child { color: #888; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; } figure.chart { margin: 0; }
</style></head><body>
<h1>simul compare: the talk's comparison, measured on this machine</h1>
<p>${m.cpus} × ${escape(m.cpuModel)}, ${bytes(m.totalMemoryBytes)}, ${escape(m.platform)}/${escape(m.arch)}, Node ${escape(m.node)};
${report.mode} run of ${duration(report.durationMs)} on ${escape(report.startedAt)}; memory budget ${bytes(report.budgetBytes)};
memory read from ${m.memorySource === 'smaps_rollup' ? '/proc/&lt;pid&gt;/smaps_rollup' : 'the resident set size (no /proc here)'}.</p>
<h2>Verdicts</h2>
<table><thead><tr><th></th><th>claim</th><th>the talk</th><th>measured</th><th>verdict</th></tr></thead>
<tbody>
${verdicts}
</tbody></table>
<h2>Charts</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h2>The table</h2>
<pre>${escape(comparisonTable(report).join('\n'))}</pre>
<p>Made by <code>simul compare</code> (simul ${escape(report.simulVersion)}). The JSON report (<code>--json</code>) has every number.</p>
</body></html>
`;
}
