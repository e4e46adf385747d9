/**
 * A trace in words. A trace is a list of ranks ("the second-oldest ready step"), which only
 * the program can turn into names: so the trace is replayed once more, exactly, and each
 * choice that differs from FIFO is written down as what it did — which task ran before which,
 * after how many steps, or which of two timers due at once fired first. Choices that agree
 * with FIFO are left out: they are what anyone reading the code expects.
 */
import { checkBody } from '../core/body.js';
import type { Candidates } from '../core/schedule.js';
import type { Loop } from '../core/loop.js';
import { Task } from '../core/task.js';
import { checkKeys, checkObject, optionKeys } from '../core/validate.js';
import { formatError } from '../core/error-report.js';
import { checkMaxSteps, checkTrace, replayTrace } from './replay.js';
import { nonDefaultChoices, checkOutsideTasks } from './run-schedule.js';

export interface DescribeTraceOptions {
  /** Step budget of the run (default 100,000). */
  maxSteps?: number;
}

const DESCRIBE_KEYS = optionKeys<DescribeTraceOptions>({ maxSteps: true });

/**
 * Replays `trace` and describes each of its non-FIFO choices, one line each, followed by how
 * the run ended.
 *
 * @example
 * console.log(await describeTrace(transfer, [0, 0, 1]));
 * // 3 choices, 1 differs from FIFO:
 * //   after step 4: t3 (bob) ran before t2 (alice)
 * // the run failed: Error: balance is 50, expected 0
 */
export function describeTrace(
  body: () => unknown,
  trace: readonly number[],
  options: DescribeTraceOptions = {},
): Promise<string> {
  checkBody('describeTrace(body, trace)', 'body', body);
  checkOutsideTasks('describeTrace');
  const choices = checkTrace('describeTrace(body, trace)', 'trace', trace);
  checkObject('describeTrace(body, trace, options)', 'options', options);
  checkKeys('describeTrace(body, trace, options)', 'options', options, DESCRIBE_KEYS);
  const maxSteps = checkMaxSteps('describeTrace', options.maxSteps);
  return describeChoices(body, choices, maxSteps);
}

/** The description itself (arguments already checked). */
export async function describeChoices(
  body: () => unknown,
  trace: readonly number[],
  maxSteps: number,
): Promise<string> {
  const lines: string[] = [];
  let loop: Loop | null = null;
  const onChoice = (rank: number, candidates: Candidates): void => {
    if (rank === 0) return;
    const chosen = candidates.at(rank).task;
    const fifo = candidates.at(0).task;
    const where = loop === null ? '' : loop.clock.virtual ? ` at ${loop.now()} ms` : '';
    if (candidates.kind === 'ready') {
      const step = loop?.steps ?? 0;
      lines.push(
        `  after step ${step}${where}: ${label(chosen)} ran before ${label(fifo)}` +
          (rank > 1 ? ` (the ${ordinal(rank + 1)} oldest of ${candidates.length} ready)` : ''),
      );
    } else {
      lines.push(
        `  ${where.trim() || 'at once'}: ${timer(chosen, rank)} fired before ${timer(fifo, 0)}` +
          ` (${candidates.length} timers due at the same instant)`,
      );
    }
  };
  const onLoop = (running: Loop): void => {
    loop = running;
  };
  const outcome = await replayTrace('describeTrace', body, trace, maxSteps, { onChoice, onLoop });
  const differing = nonDefaultChoices(trace);
  const head =
    differing === 0
      ? `${trace.length} choices, all FIFO (the schedule a plain run takes)`
      : `${trace.length} choices, ${differing} ${differing === 1 ? 'differs' : 'differ'} from FIFO:`;
  const end = outcome.ok
    ? 'the run succeeded'
    : `the run failed: ${formatError(outcome.value).split('\n')[0]}`;
  return [head, ...lines, end].join('\n');

  function timer(task: unknown, rank: number): string {
    if (task instanceof Task) return `the timer of ${label(task)}`;
    return `a callback timer (set ${ordinal(rank + 1)})`;
  }

  function label(task: unknown): string {
    if (task instanceof Task) return `t${task.id} (${task.name})`;
    return 'a callback';
  }
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}
