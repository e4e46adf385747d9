/**
 * A headless Chromium for the report's browser test, from the project's own set-up: the
 * Chromium that the @sparticuz/chromium dev dependency ships inside its npm package (Linux
 * x64), unpacked on first use, driven by playwright-core. `SIMUL_CHROMIUM` names another
 * executable (say /usr/bin/chromium from Debian's `chromium` package, or on another
 * platform). Chromium is started with the flags this closed network needs: no background
 * connections, no component updates, no sync, and a fresh profile (playwright makes a new
 * one for every launch and removes it on close).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const HOW_TO_GET_ONE =
  'no Chromium found: run `npm ci` on Linux x64 (the @sparticuz/chromium dev dependency ' +
  'ships one), or set SIMUL_CHROMIUM to a Chromium executable (Debian: apt-get install -y ' +
  'chromium, then SIMUL_CHROMIUM=/usr/bin/chromium)';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium to use and its extra flags, or null when there is none. */
export async function findChromium(): Promise<{ path: string; flags: string[] } | null> {
  const named = process.env['SIMUL_CHROMIUM'];
  if (named !== undefined && named !== '') {
    return existsSync(named) ? { path: named, flags: [] } : null;
  }
  if (process.platform === 'linux' && process.arch === 'x64') {
    try {
      const packaged = (await import('@sparticuz/chromium')).default;
      // Its own flags include --single-process, which its build needs outside Lambda too.
      return { path: await packaged.executablePath(), flags: packaged.args };
    } catch {
      // not installed: fall through
    }
  }
  return null;
}

/** Launches headless Chromium. */
export function launch(found: { path: string; flags: string[] }): Promise<Browser> {
  return chromium.launch({ executablePath: found.path, args: [...found.flags, ...FLAGS] });
}
