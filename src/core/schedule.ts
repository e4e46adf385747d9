/**
 * Schedule policies: which ready task runs next, and which of several timers due at the
 * same instant fires first. Every such choice goes through `choose(n)`, and the policy
 * keeps the stream of choices it made, so that a run can be replayed from its seed or
 * from that stream alone (SPEC §8). `fifo` always chooses 0 and records nothing.
 *
 * `pct` is Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010): every task gets a random priority above `depth`; the highest-priority ready
 * task runs; at `depth - 1` random step indices the running task's priority drops below all
 * others. It finds a bug of depth d among n steps and k tasks with probability at least
 * 1/(n·k^(d-1)) per run.
 */
import { ReplayError } from './errors.js';
import { Random } from './random.js';
import { checkInteger, checkKeys, checkObject, checkOneOf, optionKeys, show } from './validate.js';

export type PolicyName = 'fifo' | 'random' | 'pct';

/** The `schedule` option of `run`. */
export interface ScheduleOptions {
  policy: PolicyName;
  /** Seed of the random stream (default 0). Same seed, same program, same order. */
  seed?: number;
  /** PCT's bug depth d (default 3). */
  depth?: number;
  /** PCT's estimate of the number of steps n, over which change points are spread (default 1000). */
  steps?: number;
  /** Replay these choices first (from a recorded trace), then continue with the policy. */
  replay?: readonly number[];
  /**
   * With `replay`: follow the trace exactly. A choice out of range for its candidates, or a
   * choice needed after the trace is used up, fails the run with a `ReplayError` (the
   * program no longer fits the trace) instead of being clamped or left to the policy.
   */
  exact?: boolean;
  /** Every choice made is appended here, the trace of the run (used by `explore`). */
  record?: number[];
  /** Called after every choice with its rank and the candidates (used to describe a trace). */
  onChoice?: (rank: number, candidates: Candidates) => void;
}

/** Something a policy can choose among (a ready continuation, a due timer). */
export interface Schedulable {
  readonly priority: number;
  /** The task that runs if this candidate is chosen (null for a callback). */
  readonly task?: unknown;
}

/** What a policy chooses among, by rank: 0 is the oldest, the one FIFO takes. */
export interface Candidates {
  /** A choice of the next ready step, or of the next of several timers due at one instant. */
  readonly kind: 'ready' | 'timer';
  readonly length: number;
  at(rank: number): Schedulable;
}

/** A task as PCT sees it: a priority it may set and lower. */
export interface Prioritized {
  pctPriority: number;
}

/** What every policy is built with besides its own parameters. */
interface PolicyBase {
  replay?: readonly number[];
  record?: number[];
  onChoice?: (rank: number, candidates: Candidates) => void;
}

export abstract class SchedulePolicy {
  /** The non-trivial choices made so far: one entry per call of `choose` with n > 1. */
  readonly choices: number[];
  protected readonly replay: readonly number[];
  protected replayed = 0;
  protected readonly onChoice: ((rank: number, candidates: Candidates) => void) | undefined;
  constructor(base: PolicyBase = {}) {
    this.replay = base.replay ?? [];
    this.choices = base.record ?? [];
    this.onChoice = base.onChoice;
  }

  /**
   * Chooses among `candidates` (at least two), records the choice and returns its rank: 0 is
   * always the candidate FIFO would take (the oldest).
   */
  choose(candidates: Candidates): number {
    let i: number;
    if (this.replayed < this.replay.length) {
      i = Math.min(this.replay[this.replayed++], candidates.length - 1);
    } else {
      i = this.pick(candidates);
    }
    this.choices.push(i);
    if (this.onChoice !== undefined) this.onChoice(i, candidates);
    return i;
  }

  /** Called before each task step; PCT uses it to count steps. */
  stepStarted(_task: Prioritized): void {}
  /** Called when a task is created; PCT gives it a priority. */
  taskCreated(_task: Prioritized): void {}

  /** True when the policy always chooses 0, so the loop can skip it entirely. */
  get isFifo(): boolean {
    return false;
  }

  protected abstract pick(candidates: Candidates): number;
}

class FifoPolicy extends SchedulePolicy {
  constructor(private readonly base: PolicyBase = {}) {
    super(base);
  }
  override get isFifo(): boolean {
    // Recording or observing needs the choices made, zeros included.
    return (
      this.replay.length === 0 && this.base.record === undefined && this.base.onChoice === undefined
    );
  }
  protected pick(): number {
    return 0;
  }
}

/**
 * Follows a trace exactly (`replay` with `exact`): a trace that does not fit the run is a
 * `ReplayError`, thrown to the loop (which fails the run with it); after that the policy
 * takes the FIFO choice so that the cancelled tree can wind down.
 */
class ExactReplayPolicy extends SchedulePolicy {
  private failed = false;
  override choose(candidates: Candidates): number {
    if (this.failed) return super.choose(candidates);
    const at = this.replayed;
    const what = candidates.kind === 'ready' ? 'ready steps' : 'timers due at once';
    if (at >= this.replay.length) {
      this.failed = true;
      throw new ReplayError(
        `the trace is too short: the run needs choice #${at} (among ${candidates.length} ${what}) ` +
          `but the trace holds only ${plural(this.replay.length, 'choice')}`,
      );
    }
    if (this.replay[at] >= candidates.length) {
      this.failed = true;
      throw new ReplayError(
        `choice #${at} of the trace is ${this.replay[at]}, out of range: there are only ` +
          `${candidates.length} ${what} to choose from (0 to ${candidates.length - 1})`,
      );
    }
    return super.choose(candidates);
  }
  protected pick(): number {
    return 0;
  }
}

class RandomPolicy extends SchedulePolicy {
  constructor(
    private readonly random: Random,
    base: PolicyBase,
  ) {
    super(base);
  }
  protected pick(candidates: Candidates): number {
    return this.random.below(candidates.length);
  }
}

class PctPolicy extends SchedulePolicy {
  private step = 0;
  private readonly changePoints: number[];
  constructor(
    private readonly random: Random,
    private readonly depth: number,
    steps: number,
    base: PolicyBase,
  ) {
    super(base);
    this.changePoints = [];
    for (let i = 0; i < depth - 1; i++) this.changePoints.push(1 + random.below(steps));
  }
  override taskCreated(task: Prioritized): void {
    task.pctPriority = this.depth + this.random.next();
  }
  override stepStarted(task: Prioritized): void {
    this.step++;
    const at = this.changePoints.indexOf(this.step);
    if (at >= 0) task.pctPriority = at / this.depth; // below every initial priority, in order
  }
  protected pick(candidates: Candidates): number {
    let best = 0;
    let bestPriority = candidates.at(0).priority;
    for (let i = 1; i < candidates.length; i++) {
      const priority = candidates.at(i).priority;
      if (priority > bestPriority) {
        best = i;
        bestPriority = priority;
      }
    }
    return best;
  }
}

const SCHEDULE_KEYS = optionKeys<ScheduleOptions>({
  policy: true,
  seed: true,
  depth: true,
  steps: true,
  replay: true,
  exact: true,
  record: true,
  onChoice: true,
});

/** The policy `options.schedule` asks for; `where` is the function called (`run`, `main`). */
export function createPolicy(where: string, options: ScheduleOptions | undefined): SchedulePolicy {
  if (options === undefined) return new FifoPolicy();
  checkObject(where, 'options.schedule', options);
  checkKeys(where, 'options.schedule', options, SCHEDULE_KEYS);
  const policy = checkOneOf(where, 'options.schedule.policy', options.policy, [
    'fifo',
    'random',
    'pct',
  ] as const);
  const seed = checkInteger(where, 'options.schedule.seed', options.seed ?? 0, -(2 ** 31));
  const replay = options.replay ?? [];
  if (!Array.isArray(replay) || !replay.every((c) => Number.isInteger(c) && c >= 0)) {
    throw new TypeError(
      `${where}: options.schedule.replay must be an array of integers >= 0 (a recorded choice stream)`,
    );
  }
  if (options.record !== undefined && !Array.isArray(options.record)) {
    throw new TypeError(
      `${where}: options.schedule.record must be an array to append choices to, got ${show(options.record)}`,
    );
  }
  if (options.onChoice !== undefined && typeof options.onChoice !== 'function') {
    throw new TypeError(
      `${where}: options.schedule.onChoice must be a function, got ${show(options.onChoice)}`,
    );
  }
  const base: PolicyBase = { replay, record: options.record, onChoice: options.onChoice };
  if (options.exact === true) {
    if (options.replay === undefined) {
      throw new TypeError(
        `${where}: options.schedule.exact needs options.schedule.replay (a trace)`,
      );
    }
    return new ExactReplayPolicy(base);
  }
  switch (policy) {
    case 'fifo':
      return new FifoPolicy(base);
    case 'random':
      return new RandomPolicy(new Random(seed), base);
    case 'pct': {
      const depth = checkInteger(where, 'options.schedule.depth', options.depth ?? 3, 1);
      const steps = checkInteger(where, 'options.schedule.steps', options.steps ?? 1000, 1);
      return new PctPolicy(new Random(seed), depth, steps, base);
    }
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
