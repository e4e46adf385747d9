/**
 * The task tree as text: each task, its state, and what each of its waits is parked on
 * (a timer and its deadline, a lock and its holder, a queue, a foreign promise...).
 * Used by `dumpTasks()` and by the DeadlockError message.
 */
import { formatMs } from './clock.js';
import { IN_FOREIGN_AWAIT } from './step.js';
import type { Task } from './task.js';

export function dumpTree(root: Task, now: number): string {
  const lines: string[] = [`simul tasks at t=${formatMs(now)}:`];
  const visit = (task: Task, depth: number): void => {
    const indent = '  '.repeat(depth + 1);
    lines.push(`${indent}#${task.id} ${task.name} [${task.state}]`);
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
