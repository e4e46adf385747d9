/**
 * `simul/testing`: deterministic testing (SPEC §8) with the node:test helper. Everything but
 * `exploreTest` is also exported from `simul` itself.
 */
export {
  explore,
  type ExploreOptions,
  type ExploreReport,
  type ExploreFailure,
} from './explore.js';
export { ExploreError } from './explore-error.js';
export { replay, type ReplaySource, type ReplayOptions, type SeededSchedule } from './replay.js';
export { shrink, type ShrinkOptions, type ShrinkResult } from './shrink.js';
export { describeTrace, type DescribeTraceOptions } from './describe-trace.js';
export { exploreTest } from './explore-test.js';
export { ReplayError, StepLimitError } from '../core/errors.js';
