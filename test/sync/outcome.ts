import type { Operation } from '../../src/index.js';

/** Waits on `op` and returns its value or the error it threw, so a child's failure stays local. */
export async function outcome(op: Operation<unknown>): Promise<unknown> {
  try {
    return await op;
  } catch (e) {
    return e;
  }
}
