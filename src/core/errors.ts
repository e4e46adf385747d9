/**
 * The error classes of simul. Each has a stable `code` (as Node's own errors do) so callers
 * can test with `instanceof` or by code.
 */

/** Thrown into a task's waits once the task, or a scope around the wait, is cancelled. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  readonly code = 'ERR_SIMUL_CANCELLED';
  /** What `cancel(reason)` was given, if anything. */
  readonly reason: unknown;
  constructor(reason?: unknown) {
    // Cancellation is delivered to every waiting task of a tree at once; a stack trace
    // would point at the loop, not at the wait, so it is not worth its cost here.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(
      reason === undefined
        ? 'the task was cancelled'
        : `the task was cancelled: ${describeReason(reason)}`,
    );
    Error.stackTraceLimit = limit;
    this.reason = reason;
  }
}

/** What a body that finished after its deadline returned, and how late it was. */
export interface LateResult {
  value: unknown;
  overrunMs: number;
}

/**
 * Thrown by `withTimeout` when its body is not done in time. A body that finished after its
 * deadline all the same (in a raw await or synchronous code, where simul cannot interrupt it)
 * is not done in time either: its result is kept in `late`, so nothing it did is lost.
 */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  readonly code = 'ERR_SIMUL_TIMEOUT';
  constructor(
    readonly ms: number,
    /** The late body's result and overrun, when the body finished after its deadline. */
    readonly late?: LateResult,
  ) {
    super(
      late === undefined
        ? `the operation did not finish within ${ms} ms`
        : `the operation did not finish within ${ms} ms: it finished ${late.overrunMs.toFixed(1)} ms late, in code simul could not interrupt`,
    );
  }
}

/** Several tasks of one group (or tree) failed: every error is kept in `errors`. */
export class TaskGroupError extends AggregateError {
  override name = 'TaskGroupError';
  readonly code = 'ERR_SIMUL_TASK_GROUP';
  constructor(errors: unknown[]) {
    super(errors, `${errors.length} errors: ${errors.map(describeReason).join('; ')}`);
  }
}

/**
 * Every task waits and nothing can ever wake any of them: under the virtual clock no timer
 * is pending and no foreign wait is in flight, or Node's event loop itself ran empty.
 */
export class DeadlockError extends Error {
  override name = 'DeadlockError';
  readonly code = 'ERR_SIMUL_DEADLOCK';
  constructor(
    readonly dump: string,
    why = 'every task is waiting, no timer is pending and no foreign wait is in flight',
  ) {
    super(`deadlock: ${why}\n${dump}`);
  }
}

/**
 * A run took more than its `maxSteps` task steps (a livelock, or a program far bigger than
 * expected): the run fails with this error and the task tree as it stood, so a schedule
 * that never ends is reported instead of hanging the exploration.
 */
export class StepLimitError extends Error {
  override name = 'StepLimitError';
  readonly code = 'ERR_SIMUL_STEP_LIMIT';
  constructor(
    readonly maxSteps: number,
    readonly dump: string,
  ) {
    super(`the run exceeded maxSteps (${maxSteps} task steps): a livelock?\n${dump}`);
  }
}

/**
 * A recorded schedule (a trace) does not fit the program replayed with it: the program asked
 * for more choices than the trace holds, a choice is out of range for the candidates at that
 * point, or the run ended before consuming every choice. The program, or something it
 * depends on outside simul, has changed since the trace was recorded.
 */
export class ReplayError extends Error {
  override name = 'ReplayError';
  readonly code = 'ERR_SIMUL_REPLAY';
}

/** An operation was used in a state that does not allow it (run inside a task, a closed group...). */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
  readonly code = 'ERR_SIMUL_INVALID_STATE';
}

/**
 * The CancelledError behind `error`, if `error` is a cancellation: simul's own
 * CancelledError, or an error a Node API threw because simul aborted the signal it was given
 * (an `AbortError` whose `cause` is that CancelledError, as `node:timers/promises` and
 * `node:fs` throw). Anything else is a failure, not a cancellation.
 */
export function cancellationOf(error: unknown): CancelledError | null {
  if (error instanceof CancelledError) return error;
  if (error instanceof Error && error.cause instanceof CancelledError) return error.cause;
  return null;
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}
