/**
 * What every synchronisation primitive shares: a label for dumps and deadlock reports
 * (`Lock#3 (accounts)`), and the checks of its options.
 *
 * Numbers are counted per loop and per kind, not per process, so that the same program
 * prints the same dump on every run (the determinism contract): a primitive made inside a
 * task is numbered when it is made; one made outside any loop (a module-level lock shared by
 * several runs) is numbered in each loop the first time a dump describes it.
 */
import { currentContext } from '../core/context.js';
import type { Loop } from '../core/loop.js';
import type { Task } from '../core/task.js';
import { checkKeys, checkObject, optionKeys, show } from '../core/validate.js';

const counters = new WeakMap<Loop, Map<string, number>>();

function nextId(loop: Loop, kind: string): number {
  let perKind = counters.get(loop);
  if (perKind === undefined) counters.set(loop, (perKind = new Map()));
  const id = (perKind.get(kind) ?? 0) + 1;
  perKind.set(kind, id);
  return id;
}

/** Options every primitive takes. */
export interface PrimitiveOptions {
  /** A name shown in dumps and deadlock reports: `Lock#3 (accounts)`. */
  name?: string;
}

/** The keys of PrimitiveOptions: what a primitive without options of its own accepts. */
const PRIMITIVE_KEYS = optionKeys<PrimitiveOptions>({ name: true });

export abstract class Primitive {
  private idLoop: Loop | null = null;
  private id = 0;
  /** The name given in the options, if any. */
  readonly name: string | undefined;

  constructor(
    private readonly kind: string,
    where: string,
    options: PrimitiveOptions | undefined,
    keys: readonly string[] = PRIMITIVE_KEYS,
  ) {
    checkObject(where, 'options', options);
    checkKeys(where, 'options', options, keys);
    const name = options?.name;
    if (name !== undefined && typeof name !== 'string') {
      throw new TypeError(`${where}: options.name must be a string, got ${show(name)}`);
    }
    this.name = name;
    const loop = currentContext()?.task.loop;
    if (loop !== undefined) this.numberIn(loop);
  }

  /** `Lock#3 (accounts)` in `loop`; `Lock (accounts)` outside any loop. */
  protected label(loop: Loop | null | undefined): string {
    const named = this.name === undefined ? '' : ` (${this.name})`;
    if (loop === null || loop === undefined) return `${this.kind}${named}`;
    if (this.idLoop !== loop) this.numberIn(loop);
    return `${this.kind}#${this.id}${named}`;
  }

  /** The primitive's label in the loop that is running now, for error messages. */
  toString(): string {
    return this.label(currentContext()?.task.loop);
  }

  private numberIn(loop: Loop): void {
    this.idLoop = loop;
    this.id = nextId(loop, this.kind);
  }
}

/** `task #5 (writer)`, with its state if it has finished (a lock held by a finished task is a leak). */
export function showTask(task: Task): string {
  const finished = task.isFinished ? `, ${task.state}` : '';
  return `task #${task.id} (${task.name}${finished})`;
}

/** Checks an integer argument that may also be Infinity (a queue without bound). */
export function checkSize(where: string, name: string, value: unknown, min: number): number {
  if (
    typeof value !== 'number' ||
    !(value === Infinity || Number.isInteger(value)) ||
    value < min
  ) {
    const kind = typeof value === 'number' ? RangeError : TypeError;
    throw new kind(
      `${where}: ${name} must be an integer >= ${min} or Infinity, got ${show(value)}`,
    );
  }
  return value;
}
