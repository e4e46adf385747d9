/**
 * The safety net of every process `simul compare` starts: the command cancels its hosts
 * (their process groups get SIGTERM), but should it die without doing so (SIGKILL), a host
 * notices that its parent changed and kills its own process group: itself, its threads and
 * the unit processes it forked.
 */

/** Ends this process's group if the compare command is gone. */
export function watchParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      try {
        process.kill(-process.pid, 'SIGKILL'); // the host leads its process group
      } catch {
        process.exit(1);
      }
    }
  }, 250).unref();
}
