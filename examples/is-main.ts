/**
 * Whether a module is the program Node was started with (`node dist/examples/...js`) rather
 * than imported (by the tests and the lab): each example runs itself only then.
 *
 * @example
 * if (isMain(import.meta.url)) await main();
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function isMain(moduleUrl: string): boolean {
  try {
    return moduleUrl === pathToFileURL(realpathSync(process.argv[1] ?? '')).href;
  } catch {
    return false;
  }
}
