/**
 * The charts of the HTML report: Vega-Lite specifications compiled with vega-lite and
 * rendered to SVG by vega on the server (`renderer: 'none'`), so the report is a single
 * file with no script and nothing to fetch. Vega is loaded only when a report is written.
 */
import { MODEL_LABELS } from './model.js';
import type { CompareReport } from './report.js';

type Spec = Record<string, unknown>;

const COLORS = { domain: Object.values(MODEL_LABELS), range: ['#d62728', '#ff7f0e', '#1f77b4'] };
const colorByModel = { field: 'model', type: 'nominal', scale: COLORS, title: null };

/**
 * A log-scale axis whose bars start at the power of ten below the smallest value: a bar
 * cannot start at zero on a log scale (Vega draws nothing).
 */
function logAxis(values: number[], title: string): { x: Spec; x2: Spec } {
  const positive = values.filter((v) => v > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  return {
    x: { field: 'value', type: 'quantitative', title, scale: { type: 'log', domainMin: low } },
    x2: { datum: low },
  };
}

function bars(
  title: string,
  rows: { model: string; value: number }[],
  axis: string,
  log: boolean,
): Spec {
  const x = log
    ? logAxis(
        rows.map((r) => r.value),
        axis,
      )
    : { x: { field: 'value', type: 'quantitative', title: axis } };
  return {
    title,
    width: 360,
    height: 160,
    data: { values: rows },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'model', type: 'nominal', sort: null, title: null },
      ...x,
      color: { ...colorByModel, legend: null },
    },
  };
}

/** Every chart of the report, as [id, title, Vega-Lite spec]. */
export function chartSpecs(report: CompareReport): [string, Spec][] {
  const specs: [string, Spec][] = [];
  const have = <T>(pick: (m: CompareReport['models'][number]) => T | null) =>
    report.models.flatMap((m) => {
      const v = pick(m);
      return v === null ? [] : [{ model: m.label, value: v as unknown as number }];
    });
  specs.push([
    'start',
    bars(
      'Time to start one (log scale)',
      have((m) => m.start?.medianMs ?? null),
      'ms',
      true,
    ),
  ]);
  const memory = report.models.flatMap((m) =>
    m.memory === null
      ? []
      : [
          {
            model: m.label,
            kind: 'private',
            value: m.memory.privateBytes ?? m.memory.rssBytes,
          },
          { model: m.label, kind: 'PSS', value: m.memory.pssBytes ?? m.memory.rssBytes },
        ],
  );
  specs.push([
    'memory',
    {
      title: 'Memory per unit (log scale)',
      width: 360,
      height: 160,
      data: { values: memory },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'model', type: 'nominal', sort: null, title: null },
        yOffset: { field: 'kind' },
        ...logAxis(
          memory.map((r) => r.value),
          'bytes',
        ),
        color: { field: 'kind', type: 'nominal', title: null },
      },
    },
  ]);
  specs.push([
    'fit',
    bars(
      `How many fit in ${Math.round(report.budgetBytes / 2 ** 20)} MB (log scale)`,
      have((m) => m.fit?.count ?? null),
      'units',
      true,
    ),
  ]);
  specs.push([
    'cpu',
    bars(
      `CPU speed-up on ${report.machine.cpus} cores`,
      have((m) => m.cpu?.speedup ?? null),
      '× the time on one thread',
      false,
    ),
  ]);
  specs.push([
    'hello',
    bars(
      'Hello world: ten sleeps at once',
      have((m) => (m.hello === null ? null : m.hello.elapsedMs / 1000)),
      'seconds',
      false,
    ),
  ]);
  const echo = report.models.flatMap((m) =>
    m.echo
      .filter((l) => l.skipped === null)
      .map((l) => ({
        model: m.label,
        connections: l.connections,
        throughput: l.throughput,
        p99: l.p99Ms,
      })),
  );
  const line = (title: string, field: string, axis: string): Spec => ({
    title,
    width: 360,
    height: 200,
    data: { values: echo },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: {
        field: 'connections',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'concurrent connections',
      },
      y: { field, type: 'quantitative', title: axis },
      color: colorByModel,
    },
  });
  specs.push(['throughput', line('Echo server: throughput', 'throughput', 'echoes per second')]);
  specs.push(['latency', line('Echo server: p99 latency', 'p99', 'ms')]);
  return specs;
}

/** Renders a Vega-Lite spec to an SVG string, on the server. */
export async function renderSvg(spec: Spec): Promise<string> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const compiled = compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
