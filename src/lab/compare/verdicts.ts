/**
 * The talk's comparison, claim by claim, against what was measured here. A verdict says
 * what the machine showed, not what the talk expects: on Node a worker thread runs its own
 * V8 isolate, so it can cost as much private memory as a process, and threads compute on
 * every core, with no GIL to stop them. `holds` is null when a claim could not be measured.
 */
import { bytes, count, duration } from '../format.js';
import type { Model } from './model.js';
import type { CompareReport, ModelReport, Verdict } from './report.js';

type ByModel = Record<Model, ModelReport>;

/** The claims of the talk's last slide, as simul compare words them. */
export const TALK_SCALE: Record<Model, string> = {
  process: 'tens',
  thread: 'hundreds',
  task: 'thousands to tens of thousands',
};

function byModel(models: ModelReport[]): ByModel {
  return Object.fromEntries(models.map((m) => [m.model, m])) as ByModel;
}

const times = (a: number, b: number): string => {
  const r = a / b;
  return r >= 100 ? `${count(Math.round(r))}×` : `${r.toFixed(r >= 10 ? 0 : 1)}×`;
};

function waiting(m: ByModel): Verdict {
  const claim = 'optimize waiting periods';
  const talk = 'all three: ten 3 s sleeps take 3 s, not 30';
  const hellos = [m.process, m.thread, m.task].filter((x) => x.hello !== null);
  if (hellos.length === 0)
    return { claim, talk, measured: 'not measured', holds: null, verdict: 'not measured' };
  const first = hellos[0]?.hello;
  const sequential = (first?.n ?? 0) * (first?.delayMs ?? 0);
  const measured = hellos
    .map((x) => `${x.label} ${duration(x.hello?.elapsedMs ?? null)}`)
    .join(', ');
  const holds = hellos.every((x) => (x.hello?.elapsedMs ?? Infinity) < sequential / 2);
  const slowest = hellos.reduce((a, b) =>
    (a.hello?.elapsedMs ?? 0) > (b.hello?.elapsedMs ?? 0) ? a : b,
  );
  const overhead = (slowest.hello?.elapsedMs ?? 0) - (first?.delayMs ?? 0);
  return {
    claim,
    talk,
    measured: `${first?.n} × ${duration(first?.delayMs ?? null)}: ${measured} (one after the other: ${duration(sequential)})`,
    holds,
    verdict: holds
      ? `yes, all three: the waits overlap; ${slowest.label} add ${duration(overhead)} to start`
      : 'no: some model did not overlap its waits (see the hello row)',
  };
}

function cores(m: ByModel): Verdict {
  const claim = 'use all CPU cores';
  const talk = "only processes (CPython's GIL holds threads back; async is one thread)";
  const p = m.process.cpu?.speedup;
  const t = m.thread.cpu?.speedup;
  const a = m.task.cpu?.speedup;
  const workers = m.process.cpu?.workers ?? m.thread.cpu?.workers ?? 0;
  if (p === undefined || t === undefined || a === undefined) {
    return { claim, talk, measured: 'not measured', holds: null, verdict: 'not measured' };
  }
  const measured = `speed-up on ${workers} cores: processes ${p.toFixed(2)}×, threads ${t.toFixed(2)}×, simul tasks ${a.toFixed(2)}×`;
  if (workers < 2) {
    return {
      claim,
      talk,
      measured,
      holds: null,
      verdict: 'one core: nothing to spread the work on',
    };
  }
  if (p < 1.3 && t < 1.3) {
    return {
      claim,
      talk,
      measured,
      holds: null,
      verdict: `could not tell: even processes reached only ${p.toFixed(2)}× (the other cores were busy; run again on an idle machine)`,
    };
  }
  const threadsToo = t >= 1.3;
  return {
    claim,
    talk,
    measured,
    holds: !threadsToo && a < 1.3,
    verdict: threadsToo
      ? `processes and threads, yes; threads use all cores on Node, unlike CPython's GIL. simul tasks, no (${a.toFixed(2)}×): one thread`
      : `processes yes; threads only ${t.toFixed(2)}× here; simul tasks no (${a.toFixed(2)}×)`,
  };
}

function scale(model: Model, m: ByModel, budgetBytes: number): Verdict {
  const x = m[model];
  const claim = `scalability: ${x.label}`;
  const talk = TALK_SCALE[model];
  if (x.fit === null)
    return { claim, talk, measured: 'not measured', holds: null, verdict: 'not measured' };
  const n = x.fit.count;
  const how = x.fit.method === 'filled' ? 'started' : 'estimated from a sample';
  const measured = `${count(n)} fit in ${bytes(budgetBytes)} (${how})`;
  const magnitude =
    n < 10 ? 'ones' : n < 100 ? 'tens' : n < 1000 ? 'hundreds' : n < 1e6 ? 'thousands' : 'millions';
  let holds: boolean;
  if (model === 'process') holds = n >= 10 && n < 1000;
  else if (model === 'thread') holds = n >= 100 && n < 10_000;
  else holds = n >= 1000;
  let verdict = holds ? `yes: ${magnitude}` : `${magnitude}, not ${talk}`;
  if (model === 'thread') {
    const tp = x.memory?.privateBytes ?? x.memory?.rssBytes ?? null;
    const pp = m.process.memory?.privateBytes ?? m.process.memory?.rssBytes ?? null;
    if (tp !== null && pp !== null && tp >= 0.5 * pp) {
      verdict +=
        `: on Node a worker thread carries its own V8 isolate and costs ${bytes(tp)} private, ` +
        `as much as a process (${bytes(pp)} private); it saves only the shared part`;
    }
  }
  if (model === 'task' && n >= 1e6) verdict = `yes, and more: ${magnitude}`;
  return { claim, talk, measured, holds, verdict };
}

function lightweight(m: ByModel): Verdict {
  const claim = 'async is extremely lightweight';
  const talk = 'async tasks cost far less than threads and processes';
  const ts = m.task.start?.medianMs;
  const tm = m.task.memory?.pssBytes ?? m.task.memory?.rssBytes;
  const others = [m.process, m.thread];
  if (
    ts === undefined ||
    tm === undefined ||
    others.some((o) => o.start === null || o.memory === null)
  ) {
    return { claim, talk, measured: 'not measured', holds: null, verdict: 'not measured' };
  }
  const cheapestStart = Math.min(...others.map((o) => o.start?.medianMs ?? Infinity));
  const cheapestMemory = Math.min(
    ...others.map((o) => o.memory?.pssBytes ?? o.memory?.rssBytes ?? Infinity),
  );
  const holds = cheapestStart / ts >= 100 && cheapestMemory / tm >= 100;
  return {
    claim,
    talk,
    measured: `a task starts in ${duration(ts)} and takes ${bytes(tm)}; the cheapest of threads and processes ${duration(cheapestStart)} and ${bytes(cheapestMemory)}`,
    holds,
    verdict: holds
      ? `yes: ${times(cheapestStart, ts)} less start-up time, ${times(cheapestMemory, tm)} less memory`
      : `less so than the talk says: ${times(cheapestStart, ts)} less start-up time, ${times(cheapestMemory, tm)} less memory`,
  };
}

function serving(m: ByModel): Verdict {
  const claim = 'many clients at once';
  const talk = 'async wins when a server is super busy with lots of clients';
  const most = (x: ModelReport): number =>
    Math.max(0, ...x.echo.filter((l) => l.skipped === null).map((l) => l.connections));
  const top = (x: ModelReport) => x.echo.filter((l) => l.skipped === null).at(-1);
  const t = top(m.task);
  if (t === undefined)
    return { claim, talk, measured: 'not measured', holds: null, verdict: 'not measured' };
  const measured = [m.process, m.thread, m.task]
    .map((x) => `${x.label} up to ${most(x)} connections`)
    .join(', ');
  const holds = most(m.task) > Math.max(most(m.process), most(m.thread));
  return {
    claim,
    talk,
    measured,
    holds,
    verdict: holds
      ? `yes: simul tasks served ${most(m.task)} connections (${count(t.throughput)} echoes/s, p99 ${duration(t.p99Ms)}); a process or thread per connection stopped at ${Math.max(most(m.process), most(m.thread))}`
      : 'not here: the other models served as many connections',
  };
}

function blocking(): Verdict {
  return {
    claim: 'use blocking calls',
    talk: 'processes and threads can; async cannot',
    measured: 'not measured by compare',
    holds: null,
    verdict:
      'so on Node too: a blocking step stalls a loop and every task on it (simul pitfall shows it)',
  };
}

/** Every verdict, in the order of the talk's slide. */
export function verdicts(report: Pick<CompareReport, 'models' | 'budgetBytes'>): Verdict[] {
  const m = byModel(report.models);
  return [
    waiting(m),
    cores(m),
    scale('process', m, report.budgetBytes),
    scale('thread', m, report.budgetBytes),
    scale('task', m, report.budgetBytes),
    lightweight(m),
    serving(m),
    blocking(),
  ];
}
