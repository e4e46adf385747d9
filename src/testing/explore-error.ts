/**
 * The error `explore(..., { strict: true })` throws: the whole report, and a message a person
 * can act on without it — each failure's error, how to replay it, and its shrunk schedule in
 * words.
 */
import { formatError } from '../core/error-report.js';
import type { ExploreReport } from './explore.js';

export class ExploreError extends Error {
  override name = 'ExploreError';
  readonly code = 'ERR_SIMUL_EXPLORE';
  constructor(readonly report: ExploreReport) {
    super(describeReport(report));
  }
}

function describeReport(report: ExploreReport): string {
  const n = report.failures.length;
  const lines = [`explore found ${n} failing schedule${n === 1 ? '' : 's'} in ${report.runs} runs`];
  report.failures.forEach((failure, i) => {
    const error = formatError(failure.error).split('\n')[0];
    const pct =
      failure.policy === 'pct' ? `, depth: ${failure.depth}, steps: ${failure.steps}` : '';
    lines.push(
      '',
      `${i + 1}) ${error}`,
      `   found by run ${failure.run} (${failure.policy}, seed ${failure.seed})` +
        (failure.nondeterministic ? ': NONDETERMINISTIC' : ''),
      `   replay: replay(body, { seed: ${failure.seed}, policy: '${failure.policy}'${pct} })` +
        ` or replay(body, ${JSON.stringify(failure.trace)})`,
    );
    if (failure.note !== undefined) lines.push(`   ${failure.note}`);
    else lines.push(...failure.description.split('\n').map((line) => `   ${line}`));
  });
  return lines.join('\n');
}
