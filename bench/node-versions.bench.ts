/**
 * The cost of knowing the current task inside async functions. simul's async tasks carry
 * their task across awaits in an AsyncLocalStorage; what that costs depends on the Node
 * version (Node 20 implements it with promise hooks, Node 24 with AsyncContextFrame).
 * This measures it on the pinned Node (node_modules/.bin/node, the one running this
 * script) and on the machine's Node 20 (/usr/bin/node, or $SIMUL_NODE20), and is the
 * measurement behind running the project's own scripts on Node 24.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { formatNs, inChild, size, table } from './harness.js';
import { libraryOf } from './contenders/labels.js';
import type { TimeResult } from './worker.js';

const WORKER = new URL('./worker.js', import.meta.url);
const N = size(1_000_000, 100_000);

interface NodeRun {
  version: string;
  path: string;
  plain: number;
  als: number;
  simulAsync: number;
  simulGen: number;
}

function measureOn(node: string): NodeRun {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const ns = (args: string[]): number => {
    process.stderr.write(`node-versions: ${version} ${args.join(' ')}\n`);
    // awaitLoop loads no library; pingPong loads simul (args[1] is the contender).
    const library = args[0] === 'awaitLoop' ? null : libraryOf(args[1]);
    return inChild<TimeResult>(WORKER, args, { node, library }).ns;
  };
  return {
    version,
    path: node,
    plain: ns(['awaitLoop', 'off', String(N)]),
    als: ns(['awaitLoop', 'on', String(N)]),
    simulAsync: ns(['pingPong', 'simul-async', String(N)]),
    simulGen: ns(['pingPong', 'simul-gen', String(N)]),
  };
}

const node20 = process.env.SIMUL_NODE20 ?? '/usr/bin/node';
const nodes = [process.execPath];
if (existsSync(node20) && node20 !== process.execPath) nodes.push(node20);
const results = nodes
  .map(measureOn)
  .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }));

const out: string[] = [];
out.push('## The current-task mechanism: AsyncLocalStorage on Node 20 and Node 24');
out.push('');
out.push(
  `A loop of ${N.toLocaleString('en')} \`await null\` in a fresh process, outside any ` +
    'AsyncLocalStorage context (none was ever created) and inside `als.run(store, loop)`; ' +
    "then simul's ping-pong (as in the core section) on the same Node. Medians of " +
    'several runs, ns per await or per switch.',
);
out.push('');
out.push(
  table(
    [
      'Node',
      '`await` without ALS',
      '`await` inside ALS',
      'ALS cost per await',
      'simul async switch',
      'simul generator switch',
    ],
    results.map((r) => [
      `${r.version} (\`${r.path}\`)`,
      formatNs(r.plain),
      formatNs(r.als),
      formatNs(r.als - r.plain),
      formatNs(r.simulAsync),
      formatNs(r.simulGen),
    ]),
  ),
);
out.push('');
/** An ALS cost, or "nothing measurable" when it is within run-to-run noise (or negative). */
function extra(ns: number): string {
  return ns < 10 ? `nothing measurable (${formatNs(ns)}, within noise)` : formatNs(ns);
}

const old = results.find((r) => r.version.startsWith('v20.'));
const cur = results.find((r) => !r.version.startsWith('v20.'));
if (old !== undefined && cur !== undefined) {
  out.push('### Why the project runs its own scripts on Node 24');
  out.push('');
  out.push(
    `Inside an AsyncLocalStorage context every \`await\` costs ${formatNs(old.als - old.plain)} ` +
      `more than outside it on Node ${old.version} (promise hooks), against ` +
      `${extra(cur.als - cur.plain)} on Node ${cur.version} (AsyncContextFrame). An async ` +
      `simul task switch costs ${formatNs(old.simulAsync)} on Node 20 and ` +
      `${formatNs(cur.simulAsync)} on Node ${cur.version.slice(1).split('.')[0]} ` +
      `(${(old.simulAsync / cur.simulAsync).toFixed(1)}x), while generator tasks, which need ` +
      `no AsyncLocalStorage, cost ${formatNs(old.simulGen)} and ${formatNs(cur.simulGen)}. ` +
      'The library still works on Node 20 (its tests run on both); the project pins Node 24 ' +
      'through npm (`node_modules/.bin/node`, first on PATH in npm scripts) so that its own ' +
      'tests, benchmarks and lab measure the runtime rather than the promise hooks, and ' +
      'users on Node 20 who need fast async tasks can write generator tasks instead.',
  );
} else {
  out.push(
    `(Only ${results.map((r) => r.version).join(', ')} found: set SIMUL_NODE20 to compare.)`,
  );
}
console.log(out.join('\n'));
