/** The three models of the talk's comparison, as `simul compare` names them. */
export const MODELS = ['process', 'thread', 'task'] as const;
export type Model = (typeof MODELS)[number];

/** How each model is shown in tables and charts. */
export const MODEL_LABELS: Record<Model, string> = {
  process: 'processes',
  thread: 'threads',
  task: 'simul tasks',
};

/** What each model is, on Node. */
export const MODEL_MEANS: Record<Model, string> = {
  process: 'child_process.fork: a Node process each',
  thread: 'worker_threads.Worker: a thread with its own V8 isolate each',
  task: 'simul tasks (async functions) on one loop, one thread',
};
