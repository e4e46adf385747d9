/**
 * Where a function is defined (`file:///app/a.js:12:5`), asked of V8 through an in-process
 * inspector session, only when a debug report names a task by its body. The alternative,
 * a stack captured at every spawn, costs microseconds per task on the hot path of a debug
 * run; this costs nothing until a report, then about a millisecond (more the first time
 * a script is looked up: the script's URL comes from the debugger's list of scripts).
 */
import { createRequire } from 'node:module';
import type { Session } from 'node:inspector';

type Post = (method: string, params?: object) => unknown;

let post: Post | null | undefined;
const scriptUrls = new Map<string, string>();
const located = new WeakMap<object, string | null>();

/** A synchronous inspector session, or null where Node has no inspector. */
function connect(): Post | null {
  try {
    const inspector = createRequire(import.meta.url)(
      'node:inspector',
    ) as typeof import('node:inspector');
    const session: Session = new inspector.Session();
    session.connect();
    session.on('Debugger.scriptParsed', (message) => {
      scriptUrls.set(message.params.scriptId, message.params.url);
    });
    // A Session's callbacks run before post() returns, on the main thread.
    return (method, params) => {
      let failure: Error | null = null;
      let result: unknown;
      session.post(method, params, (error, value) => {
        failure = error;
        result = value;
      });
      if (failure !== null) throw failure as Error;
      return result;
    };
  } catch {
    return null;
  }
}

interface FunctionLocation {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

/** `url:line:column` of `fn`'s definition (1-based), or null if it cannot be found. */
export function functionLocation(fn: object): string | null {
  const known = located.get(fn);
  if (known !== undefined) return known;
  let where: string | null;
  try {
    where = locate(fn);
  } catch {
    where = null;
  }
  located.set(fn, where);
  return where;
}

const GLOBAL_KEY = '__simulFunctionToLocate';

function locate(fn: object): string | null {
  if (post === undefined) post = connect();
  if (post === null) return null;
  const call = post;
  const global = globalThis as Record<string, unknown>;
  global[GLOBAL_KEY] = fn;
  try {
    const { result } = call('Runtime.evaluate', {
      expression: `globalThis.${GLOBAL_KEY}`,
      objectGroup: 'simul',
    }) as { result: { objectId?: string } };
    if (result.objectId === undefined) return null;
    const { internalProperties } = call('Runtime.getProperties', {
      objectId: result.objectId,
      ownProperties: true,
    }) as { internalProperties?: { name: string; value?: { value?: FunctionLocation } }[] };
    const location = internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value
      ?.value;
    if (location === undefined) return null;
    if (!scriptUrls.has(location.scriptId)) {
      // Enabling the debugger lists every script parsed so far; it is turned off at once.
      call('Debugger.enable');
      call('Debugger.disable');
    }
    const url = scriptUrls.get(location.scriptId);
    if (url === undefined || url === '') return null;
    return `${url}:${location.lineNumber + 1}:${location.columnNumber + 1}`;
  } finally {
    delete global[GLOBAL_KEY];
    call('Runtime.releaseObjectGroup', { objectGroup: 'simul' });
  }
}
