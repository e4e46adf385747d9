/**
 * The task tree as text: each task, its state, its age (in debug mode, which notes when
 * tasks are spawned) and what each of its waits is parked on (a timer and its deadline, a
 * lock and its holder, a queue, a foreign promise...). Used by `dumpTasks()`, by SIGUSR2 in
 * debug mode and by the DeadlockError message, which also gets the wait-for cycle, if any:
 * in a lock-order deadlock no task of the cycle can ever go on, and the chain says why.
 */
import { formatMs } from './clock.js';
import type { Continuation } from './continuation.js';
import { IN_FOREIGN_AWAIT } from './step.js';
import type { Task } from './task.js';

/** What the dump asks of debug mode: when each task was spawned. */
export interface TaskAges {
  bornAt(task: Task): number | undefined;
}

export function dumpTree(root: Task, now: number, ages: TaskAges | null = null): string {
  const lines: string[] = [`simul tasks at t=${formatMs(now)}:`];
  const visit = (task: Task, depth: number): void => {
    const indent = '  '.repeat(depth + 1);
    const born = ages?.bornAt(task);
    const age = born === undefined ? '' : `, age ${formatMs(now - born)}`;
    lines.push(`${indent}#${task.id} ${task.name} [${task.state}${age}]`);
    for (const k of task.waits()) {
      if (k.waitingOn !== null) lines.push(`${indent}  waiting on ${k.waitingOn.describe(k)}`);
    }
    if (task.asyncState === IN_FOREIGN_AWAIT) {
      lines.push(
        `${indent}  waiting on a foreign promise (a raw await: simul cannot interrupt it)`,
      );
    }
    for (const child of task.children.sort((a, b) => a.id - b.id)) visit(child, depth + 1);
  };
  visit(root, 0);
  return lines.join('\n');
}

/** One edge of the wait-for graph: `task` waits for what `holder` holds. */
interface Edge {
  what: string;
  holder: Task;
}

function edgesOf(task: Task): Edge[] {
  const edges: Edge[] = [];
  for (const k of task.waits()) {
    const on = k.waitingOn;
    const edge = on?.blockedBy?.(k as Continuation);
    if (edge) edges.push({ what: edge.what, holder: edge.holder as Task });
  }
  return edges;
}

/**
 * The first wait-for cycle among `root`'s tasks, as a chain:
 * `task #2 (a) → Lock#1 (x) (held by task #3 (b)) → Lock#2 (y) (held by task #2 (a))`;
 * null if there is none.
 */
export function waitForCycle(root: Task): string | null {
  const all: Task[] = [];
  const collect = (task: Task): void => {
    all.push(task);
    for (const child of task.children.sort((a, b) => a.id - b.id)) collect(child);
  };
  collect(root);
  const done = new Set<Task>();
  for (const start of all) {
    // Follow the first edge from each task: a path of (task, edge) until it repeats a task.
    const path: { task: Task; edge: Edge }[] = [];
    const onPath = new Map<Task, number>();
    let task: Task | undefined = start;
    while (task !== undefined && !done.has(task)) {
      const at = onPath.get(task);
      if (at !== undefined) {
        const cycle = path.slice(at);
        const show = (t: Task): string => `task #${t.id} (${t.name})`;
        return [
          show(cycle[0].task),
          ...cycle.map(({ edge }) => `${edge.what} (held by ${show(edge.holder)})`),
        ].join(' → ');
      }
      const edge: Edge | undefined = edgesOf(task)[0];
      if (edge === undefined) break;
      onPath.set(task, path.length);
      path.push({ task, edge });
      task = edge.holder;
    }
    for (const { task: seen } of path) done.add(seen);
  }
  return null;
}
