/**
 * `spawn` and `current`: starting a child of the current task, and naming the task that
 * is running.
 */
import { requireContext } from './context.js';
import { startTask, type BodyValue, type Task } from './task.js';
import { checkSpawnOptions, type SpawnOptions } from './task-group.js';
import { checkBody } from './body.js';

/**
 * Starts `body` as a child of the current task and returns it at once. The child is part
 * of the parent: the parent is not done until the child is, a failure of the child cancels
 * the parent, and cancelling the parent cancels the child.
 *
 * @example
 * const task = spawn(async () => { await sleep(1000); return 42; }, { name: 'answer' });
 * console.log(await task); // 42
 */
export function spawn<B extends () => unknown>(
  body: B,
  options?: SpawnOptions,
): Task<BodyValue<ReturnType<B>>> {
  checkBody('spawn(body)', 'body', body);
  checkSpawnOptions('spawn(body, options)', options);
  const ctx = requireContext('spawn()');
  const parent = ctx.task as Task;
  return startTask(parent.loop, body, options?.name, parent, parent, ctx.scope) as Task<
    BodyValue<ReturnType<B>>
  >;
}

/** The task that is running now. Throws outside a task. */
export function current(): Task {
  return requireContext('current()').task as Task;
}
