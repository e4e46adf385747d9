// A throwaway project of a user's, in a temporary folder: simul is installed in its
// node_modules (a link to this checkout, so imports go through the package's exports map
// and published declarations), with the given files and a tsconfig.json for them.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root folder (dist/test/e2e/ is three levels below it). */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface ConsumerProject {
  dir: string;
  /** Deletes the folder. */
  remove(): void;
}

/** Makes the project: `files` maps names to contents; `compilerOptions` adds to the defaults. */
export function consumerProject(
  files: Record<string, string>,
  compilerOptions: Record<string, unknown> = {},
): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), 'simul-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'simul'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        ...compilerOptions,
      },
      files: Object.keys(files),
    }),
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
