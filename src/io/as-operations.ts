/**
 * Types that turn a module of promise-returning functions (node:fs/promises,
 * node:dns/promises) into the same functions returning operations, overloads included, so
 * `fs.readFile(path, 'utf8')` is an `Operation<string>` and `fs.readFile(path)` an
 * `Operation<Buffer>`, straight from Node's own declarations.
 */
import type { Operation } from '../core/operation.js';

type Op<R> = Operation<Awaited<R>>;

/**
 * Each overload of `F` (up to six, the most any of these modules has) with its promise
 * turned into an operation. Matching a function with fewer overloads repeats its last one,
 * which the intersection absorbs.
 */
export type AsOperation<F> = F extends {
  (...args: infer A1): infer R1;
  (...args: infer A2): infer R2;
  (...args: infer A3): infer R3;
  (...args: infer A4): infer R4;
  (...args: infer A5): infer R5;
  (...args: infer A6): infer R6;
}
  ? ((...args: A1) => Op<R1>) &
      ((...args: A2) => Op<R2>) &
      ((...args: A3) => Op<R3>) &
      ((...args: A4) => Op<R4>) &
      ((...args: A5) => Op<R5>) &
      ((...args: A6) => Op<R6>)
  : never;

/** The promise-returning functions of module `M`, as operations. */
export type AsOperations<M> = {
  [K in keyof M as M[K] extends (...args: never[]) => Promise<unknown> ? K : never]: AsOperation<
    M[K]
  >;
};
