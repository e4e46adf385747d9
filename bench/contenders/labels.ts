/** How the contenders are named in the tables, with the installed versions of the peers. */
import { readFileSync } from 'node:fs';

export type ContenderName =
  'simul-gen' | 'simul-async' | 'plain' | 'effect' | 'effection' | 'effection-until';

function version(pkg: string): string {
  try {
    const url = new URL(`../../../node_modules/${pkg}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The two simul rows every ratio is taken against. */
export const SIMUL_GEN = 'simul (generators)';
export const SIMUL_ASYNC = 'simul (async)';

export const LABELS: Record<ContenderName, string> = {
  'simul-gen': SIMUL_GEN,
  'simul-async': SIMUL_ASYNC,
  plain: 'async/await (native promises)',
  effect: `Effect ${version('effect')}`,
  effection: `Effection ${version('effection')}`,
  'effection-until': `Effection ${version('effection')} (until)`,
};
