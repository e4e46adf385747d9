/**
 * An uncaught error as the person who runs the program should read it: the error's name and
 * message, and the stack frames of their own code. Node's own printout of an error thrown in
 * a simul task is mostly frames of the loop (`Fiber.run`, `Loop.turn`, microtask plumbing),
 * which say nothing about the bug and push its location off the screen; they are left out.
 * Nothing else is: a `TaskGroupError` (any `AggregateError`) lists every error it holds, and
 * a `cause` is shown under the error it caused.
 */
import { inspect, types } from 'node:util';
import { fileURLToPath } from 'node:url';
import { TaskGroupError } from './errors.js';

const ownDirs = simulDirs();

/**
 * simul's own files: dist/src/ as it runs, and src/ when a source map points frames back at
 * the TypeScript (node --enable-source-maps). Bundled into another file, this module cannot
 * tell simul's frames from the program's, and keeps them all.
 */
function simulDirs(): string[] {
  if (!/\/dist\/src\/core\/error-report\.js$/.test(import.meta.url)) return [];
  const dirs = [new URL('../', import.meta.url), new URL('../../../src/', import.meta.url)];
  return dirs.flatMap((dir) => [dir.href, fileURLToPath(dir)]);
}

/**
 * The report of `error` (any thrown value), several lines without a final newline.
 *
 * @example
 * process.stderr.write(`${formatError(error)}\n`);
 * // Error: no such user: 42
 * //     at loadUser (file:///app/users.js:12:11)
 * //     at async file:///app/main.js:5:3
 */
export function formatError(error: unknown): string {
  const report = describe(error, new Set()).join('\n');
  return isError(error) ? report : `Uncaught ${report}`;
}

/** An Error, even one made in another realm (a vm context), where instanceof says no. */
function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function describe(error: unknown, seen: Set<unknown>): string[] {
  if (!isError(error)) return [inspect(error)];
  if (seen.has(error)) return [`${error.name} (the one shown above)`];
  seen.add(error);
  // TaskGroupError's message already lists its errors on one line; they follow in full.
  const message =
    error instanceof TaskGroupError ? `${error.errors.length} errors:` : error.message;
  const lines = [message === '' ? error.name : `${error.name}: ${message}`];
  lines.push(...userFrames(error.stack));
  if (error instanceof AggregateError) {
    error.errors.forEach((inner: unknown, i) => {
      const [first, ...rest] = describe(inner, seen);
      lines.push(`  [${i + 1}] ${first}`, ...rest.map((line) => `      ${line}`));
    });
  }
  if (error.cause !== undefined) {
    const [first, ...rest] = describe(error.cause, seen);
    lines.push(`  [cause] ${first}`, ...rest.map((line) => `  ${line}`));
  }
  return lines;
}

/** The frames of `stack` that are the program's own, not Node's or simul's. */
export function userFrames(stack: string | undefined): string[] {
  if (stack === undefined) return [];
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => `    ${line.trim()}`)
    .filter((line) => isUserLocation(location(line)));
}

/** Where a frame points: `file:///app/a.js:3:9` in `at f (file:///app/a.js:3:9)`. */
function location(frame: string): string {
  if (frame.endsWith(')')) return frame.slice(frame.lastIndexOf('(') + 1, -1);
  const where = frame.slice('    at '.length);
  return where.startsWith('async ') ? where.slice('async '.length) : where;
}

/** Whether `where` (`file:///app/a.js:3:9`) is in the program's code, not Node's or simul's. */
export function isUserLocation(where: string): boolean {
  if (where.startsWith('node:') || where === '<anonymous>' || where === 'native') return false;
  if (/^index \d+$/.test(where)) return false; // at async Promise.all (index 0)
  return !ownDirs.some((dir) => where.startsWith(dir));
}
