/**
 * The debug tooling of one run (registered with the core by index.ts): the watchdog, the
 * blocking-call detector and SIGUSR2, which prints the task dump to stderr.
 */
import type { DebugRun, DebugSession, DebugTooling } from '../core/debug-options.js';
import type { Task } from '../core/task.js';
import { allowedBy, detectBlockingCalls, type BlockingCallListener } from './blocking-calls.js';
import { Watchdog } from './watchdog.js';

class Session implements DebugSession, BlockingCallListener {
  currentTask: Task | null = null;
  readonly mode: 'warn' | 'throw';
  private readonly watchdog: Watchdog;
  private readonly stopDetecting: (() => void) | null;
  private readonly onSignal: () => void;

  constructor(private readonly run: DebugRun) {
    const { blockingCalls, stuckMs } = run.options;
    this.mode = blockingCalls === 'throw' ? 'throw' : 'warn';
    // The live report names the task by id and name: where its body is defined is asked of
    // V8 only for a report, and the main thread cannot ask while it spins (the warning once
    // the step ends has it).
    this.watchdog = new Watchdog(stuckMs);
    this.stopDetecting = blockingCalls === 'off' ? null : detectBlockingCalls(this);
    this.onSignal = () => process.stderr.write(`${run.dump()}\n`);
    process.on('SIGUSR2', this.onSignal);
  }

  stepStarted(task: Task, startedAt: number): void {
    this.currentTask = task;
    this.watchdog.stepStarted(task, startedAt);
  }

  stepEnded(): void {
    this.currentTask = null;
    this.watchdog.stepEnded();
  }

  isAllowed(api: string): boolean {
    return allowedBy(this.run.options.allowBlocking, api);
  }

  report(task: Task, api: string, site: string | null): string {
    const message =
      `${this.run.describeTask(task)} called ${api}${site === null ? '' : ` at ${site}`}, ` +
      'which blocks the whole loop (every other task waits) until it returns; use the ' +
      "non-blocking version (simul's fs, exec, toThread) or allow it with debug.allowBlocking";
    if (this.mode === 'warn') {
      this.run.warn({
        kind: 'blocking-call',
        message,
        task: { id: task.id, name: task.name },
        api,
        site,
      });
    }
    return message;
  }

  end(): void {
    this.currentTask = null;
    this.watchdog.stop();
    this.stopDetecting?.();
    process.off('SIGUSR2', this.onSignal);
  }
}

export const debugTooling: DebugTooling = {
  start: (run) => new Session(run),
};
