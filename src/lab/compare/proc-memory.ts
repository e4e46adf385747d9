/**
 * How much memory a process uses, split the way the talk's scalability claim needs it:
 * private (pages only this process maps: its own heap, its own copy of the program's data)
 * and shared (pages also mapped by other processes: Node's code, shared libraries), with PSS
 * (proportional set size: each shared page divided among the processes sharing it) as the
 * fair per-process total. Linux reports these in /proc/<pid>/smaps_rollup. Elsewhere the
 * honest fallback is the resident set size alone, with private and shared unknown (null).
 */
import { readFileSync } from 'node:fs';

export interface MemorySample {
  /** Resident set size, bytes. */
  rss: number;
  /** Proportional set size, bytes; null without /proc. */
  pss: number | null;
  /** Private_Clean + Private_Dirty, bytes; null without /proc. */
  private: number | null;
  /** Shared_Clean + Shared_Dirty, bytes; null without /proc. */
  shared: number | null;
  source: 'smaps_rollup' | 'rss';
}

function rollup(pid: number): Record<string, number> | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return null;
  }
  const fields: Record<string, number> = {};
  for (const match of text.matchAll(/^(\w+):\s+(\d+) kB$/gm)) {
    fields[match[1] as string] = Number(match[2]) * 1024;
  }
  return fields;
}

/** Whether /proc/<pid>/smaps_rollup can be read here (Linux 4.14 and later). */
export function hasSmapsRollup(): boolean {
  return rollup(process.pid) !== null;
}

/**
 * The memory of process `pid`. `rssFallback` is used where /proc is not available (the
 * process's own `process.memoryUsage.rss()`, reported by it).
 */
export function processMemory(pid: number, rssFallback = NaN): MemorySample {
  const f = rollup(pid);
  if (f === null) {
    return { rss: rssFallback, pss: null, private: null, shared: null, source: 'rss' };
  }
  const get = (key: string): number => f[key] ?? 0;
  return {
    rss: get('Rss'),
    pss: get('Pss'),
    private: get('Private_Clean') + get('Private_Dirty'),
    shared: get('Shared_Clean') + get('Shared_Dirty'),
    source: 'smaps_rollup',
  };
}

/** This process's memory. */
export function ownMemory(): MemorySample {
  return processMemory(process.pid, process.memoryUsage.rss());
}
