/**
 * Progress while `simul compare` runs, on stderr so that stdout keeps only the table: a
 * cli-progress bar on a terminal, one plain line per step elsewhere (a log, a test).
 */
import cliProgress from 'cli-progress';
import type { ProgressSink } from './measure.js';

export function progressSink(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  let total = 0;
  let done = 0;
  if (!stream.isTTY) {
    return {
      begin: (n) => void (total = n),
      step: (label) => void stream.write(`compare [${++done}/${total}] ${label}\n`),
      end: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'compare |{bar}| {value}/{total} {step}  ({duration}s)',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    begin: (n) => {
      total = n;
      bar.start(total, 0, { step: '' });
      started = true;
    },
    step: (label) => {
      if (done > 0) bar.increment(1, { step: label });
      else bar.update(0, { step: label });
      done++;
    },
    end: () => {
      if (!started) return;
      bar.update(total);
      bar.stop();
    },
  };
}
