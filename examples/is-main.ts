/**
 * Whether a module is the program Node was started with (`node dist/examples/...js`) rather
 * than imported (by the tests and the lab): each example runs itself only then.
 *
 * @example
 * if (isMain(import.meta.url)) await main();
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

export function isMain(moduleUrl: string): boolean {
  // In a worker thread, process.argv[1] is the worker's own file: a module loaded as a
  // worker is not the program.
  if (!isMainThread) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(process.argv[1] ?? '')).href;
  } catch {
    return false;
  }
}
