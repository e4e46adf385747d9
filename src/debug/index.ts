/**
 * SPEC §7, the debug tooling: loading this module gives debug runs their watchdog thread,
 * blocking-call detector and SIGUSR2 dump (the core cannot import them: see STYLE.md's
 * layering). simul's entry point loads it.
 */
import { installDebugTooling } from '../core/debug-options.js';
import { debugTooling } from './session.js';

installDebugTooling(debugTooling);

export { BlockingCallError, blockingCallsPatched } from './blocking-calls.js';
export { Timeline, type TimelineStep, type TimelineTask } from './timeline.js';
