/**
 * Which task is running right now. Generator steps run synchronously inside the loop, so a
 * module variable (`runningFiber`) names them at no cost. Async functions resume from
 * microtasks the loop does not control, so their task travels with them in an
 * `AsyncLocalStorage` (about 10 ns per await on Node 24's AsyncContextFrame, about 110 ns
 * on Node 20's promise hooks: see docs/benchmarks.md). `currentContext` checks the cheap
 * one first.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Task } from './task.js';
import type { ScopeLike } from './scope.js';
import type { GeneratorHost } from './fiber.js';
import { InvalidStateError } from './errors.js';

/** A task plus the cancel scope code runs in: what an async body carries across awaits. */
export interface Context {
  readonly task: Task;
  readonly scope: ScopeLike;
}

/** The context of an async body run inside a scope (withTimeout, shield, taskGroup). */
export class BodyContext implements Context {
  constructor(
    readonly task: Task,
    readonly scope: ScopeLike,
  ) {}
}

export const storage = new AsyncLocalStorage<Context>();

let runningFiber: GeneratorHost | null = null;

export function getRunningFiber(): GeneratorHost | null {
  return runningFiber;
}

export function setRunningFiber(fiber: GeneratorHost | null): void {
  runningFiber = fiber;
}

export function currentContext(): Context | undefined {
  return runningFiber ?? storage.getStore();
}

export function requireContext(where: string): Context {
  const ctx = runningFiber ?? storage.getStore();
  if (ctx === undefined) {
    throw new InvalidStateError(
      `${where} must be called inside a simul task (inside run()); in a generator task, ` +
        'delegate with yield* rather than calling an async helper that awaits simul operations',
    );
  }
  return ctx;
}
