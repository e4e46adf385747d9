/** Small helpers shared by the I/O tests. */
import { spawnSync } from 'node:child_process';
import type { Operation } from '../../src/index.js';

export const LOCAL = '127.0.0.1';

/** Both coroutine styles, for tests that run one scenario in each. */
export const styles = ['async', 'generator'] as const;
export type Style = (typeof styles)[number];

/** The value an operation or promise settles with, or the error it throws. */
export async function settle<T>(work: Operation<T> | PromiseLike<T>): Promise<T | unknown> {
  try {
    return await work;
  } catch (error) {
    return error;
  }
}

/** Whether process `pid` (or, negative, any process of group `-pid`) exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How many live (non-zombie) processes have a command line starting with `command`. */
export function countProcesses(command: string): number {
  const out = spawnSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((line) => {
    const m = /^\s*(\S+)\s+(.*)$/.exec(line);
    return m !== null && !m[1].startsWith('Z') && m[2].startsWith(command);
  }).length;
}
