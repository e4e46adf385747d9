import { requireLoop } from './callbacks.js';
import { dumpTree } from './dump.js';
import type { Task } from './task.js';

/**
 * The task tree of the running loop as text: each task's state and what it waits on (a timer
 * and its deadline, a lock and its holder, a queue, a socket, a foreign promise), and in
 * debug mode its age. In debug mode, SIGUSR2 prints it to stderr.
 *
 * @example
 * callLater(5000, () => console.error(dumpTasks())); // what is everyone doing?
 */
export function dumpTasks(): string {
  const loop = requireLoop('dumpTasks()');
  return dumpTree(loop.root as Task, loop.now(), loop.debug);
}
