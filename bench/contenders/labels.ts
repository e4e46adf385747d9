/** How the contenders are named in the tables, with the installed versions of the peers. */
import { readFileSync } from 'node:fs';

export type ContenderName =
  'simul-gen' | 'simul-async' | 'plain' | 'effect' | 'effection' | 'effection-until';

/** The installed version of `pkg`, found the way Node finds it: in the nearest node_modules up. */
function version(pkg: string): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const url = new URL(`node_modules/${pkg}/package.json`, dir);
      return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
    } catch {
      if (dir.pathname === '/') return '?';
    }
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

/**
 * The library a contender's process loads (see `inChild`'s `library`): simul for every
 * simul variant, the peer's package for a peer, none for plain async/await.
 */
export function libraryOf(contender: string): string | null {
  if (contender === 'plain') return null;
  if (contender.startsWith('simul')) return 'simul';
  return contender.replace(/-until$/, '');
}
