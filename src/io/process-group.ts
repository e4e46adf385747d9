/**
 * Signals to a whole process group, and waiting (in real time) for a group to be gone.
 * Subprocesses are started as leaders of their own group (`detached: true`: setsid on
 * POSIX), so that cancelling their task reaches the children they started too: a shell's
 * pipeline, a build tool's workers. Zombies do not count as alive (a container's init may
 * never reap the orphans): on Linux the group is looked up in /proc.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fromCallback } from '../core/foreign.js';
import type { Operation } from '../core/operation.js';

const POLL_MS = 10;

/** Sends `signal` to every process of group `pgid`; false if the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Whether group `pgid` has a live (non-zombie) process. */
export function groupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0 as unknown as NodeJS.Signals)) return false;
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    const c = entry.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

/**
 * Waits, in real time (real processes do not follow the virtual clock), until group `pgid`
 * is gone or `ms` have passed; returns whether it is gone. Not cancellable from inside: run
 * it shielded, as cleanup.
 */
export function groupGone(pgid: number, ms: number): Operation<boolean> {
  return fromCallback<boolean>(function processGroupGone(resolve) {
    if (!groupAlive(pgid)) {
      resolve(true);
      return;
    }
    const deadline = Date.now() + ms;
    const timer = setInterval(() => {
      if (!groupAlive(pgid)) {
        clearInterval(timer);
        resolve(true);
      } else if (Date.now() >= deadline) {
        clearInterval(timer);
        resolve(false);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  });
}
