/**
 * The rolling restart (SIGHUP): replace every worker, one at a time, without ever closing the
 * port. For each old worker: start a new one, wait until it listens, then drain the old one.
 * At every moment at least N workers accept connections (N+1 for a moment), and the drained
 * worker's requests finish within the grace period. If a new worker exits before it listens
 * (a bad deploy), the roll stops there: the old workers left keep serving, and the exit counts
 * towards the crash loop like any other.
 */
import { race } from '../core/combinators.js';
import { log, type Primary } from './primary.js';

export async function rollingRestart(primary: Primary): Promise<void> {
  const old = primary.serving();
  log(`SIGHUP: rolling restart of ${old.length} workers`);
  for (const record of old) {
    if (primary.isStopping) return;
    // A worker that exited by itself meanwhile has been replaced by the restart logic.
    if (record.exited.isSet() || record.draining) continue;
    const fresh = primary.fork(false);
    await race([fresh.listening.wait(), fresh.exited.wait()]);
    if (!fresh.listening.isSet()) {
      log(`rolling restart stopped: new worker ${fresh.id} exited before it listened`);
      return;
    }
    fresh.replaceOnExit = true;
    log(`worker ${fresh.id} replaces worker ${record.id}; draining worker ${record.id}`);
    primary.drain(record);
  }
  log('rolling restart done');
}
