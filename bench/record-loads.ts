/**
 * Preloaded into every bench worker (`node --import <dist>/bench/record-loads.js worker.js`,
 * added by `inChild`): records every module the process resolves, from before the worker's
 * first import, and at exit prints the libraries among them on one `@@bench-loaded` line.
 * The benches use it to check, rather than assume, that a measurement's process held one
 * contender only: a peer loaded into the same process could change what is measured.
 *
 * A library is a package under a `node_modules` folder, or `simul` for the files under the
 * `src` folder next to the worker's `bench` folder (the build being measured); the bench's
 * own files (harness, worker, contender adapters) are not counted. Any other file is listed
 * by its path, so that nothing goes unseen.
 *
 * Needs `module.registerHooks` (Node 22.15, 23.5 and later). On older Nodes (Node 20 in the
 * node-versions bench) it records nothing and prints nothing, and the check is skipped.
 */
import module from 'node:module';
import { dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOADED_MARK } from './harness.js';

type RegisterHooks = (hooks: {
  resolve: (
    specifier: string,
    context: unknown,
    next: (specifier: string, context: unknown) => { url: string },
  ) => { url: string };
}) => unknown;

const register = (module as unknown as { registerHooks?: RegisterHooks }).registerHooks;

// The worker is <root>/bench/<worker>.js and the build it measures is <root>/src.
const main = process.argv[1] ?? '';
const simulRoot = dirname(dirname(main)) + sep + 'src' + sep;
const benchRoot = dirname(main) + sep;

/** The library a module URL belongs to, or null for Node's builtins and the bench's files. */
export function libraryOf(url: string): string | null {
  if (!url.startsWith('file:')) return null; // node: builtins, data: URLs
  const path = fileURLToPath(url);
  const at = path.lastIndexOf(`${sep}node_modules${sep}`);
  if (at >= 0) {
    const [first, second] = path.slice(at + 14).split(sep);
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (path.startsWith(simulRoot)) return 'simul';
  if (path.startsWith(benchRoot) || path === main) return null;
  return path;
}

if (typeof register === 'function') {
  const urls = new Set<string>();
  register({
    resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      urls.add(resolved.url);
      return resolved;
    },
  });
  process.on('exit', () => {
    const libraries = new Set<string>();
    for (const url of urls) {
      const library = libraryOf(url);
      if (library !== null) libraries.add(library);
    }
    process.stdout.write(LOADED_MARK + JSON.stringify([...libraries].sort()) + '\n');
  });
}
