// The synchronisation examples (examples/sync/): each prints what docs/sync.md says it
// prints, and the guide shows each example's code exactly as it is in its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lockExample } from '../../examples/sync/lock.js';
import { semaphoreExample } from '../../examples/sync/semaphore.js';
import { eventExample } from '../../examples/sync/event.js';
import { conditionExample } from '../../examples/sync/condition.js';
import { barrierExample } from '../../examples/sync/barrier.js';
import { queueExample } from '../../examples/sync/queue.js';
import { channelExample } from '../../examples/sync/channel.js';
import { deadlockExample } from '../../examples/sync/deadlock.js';
import { run } from '../../src/index.js';

// Compiled to dist/test/examples/: the sources are three levels up.
const root = new URL('../../../', import.meta.url);
const guide = readFileSync(new URL('docs/sync.md', root), 'utf8');

type Print = (line: string) => void;

/** Runs an example's body as its file does with main(): on the virtual clock. */
const virtual =
  (body: (print: Print) => unknown) =>
  (print: Print): Promise<unknown> =>
    run(() => body(print), { clock: 'virtual' });

const examples: [string, (print: Print) => Promise<unknown>][] = [
  ['lock', virtual(lockExample)],
  ['semaphore', virtual(semaphoreExample)],
  ['event', virtual(eventExample)],
  ['condition', virtual(conditionExample)],
  ['barrier', virtual(barrierExample)],
  ['queue', virtual(queueExample)],
  ['channel', virtual(channelExample)],
  // Runs its own loop: it catches the DeadlockError that run() rejects with.
  ['deadlock', deadlockExample],
];

/** The guide's code block for examples/sync/<name>.ts and the output block after it. */
function fromGuide(name: string): { code: string; output: string } {
  const marker = `\`\`\`ts\n// examples/sync/${name}.ts\n`;
  const at = guide.indexOf(marker);
  assert.ok(at >= 0, `docs/sync.md shows no block for examples/sync/${name}.ts`);
  const codeEnd = guide.indexOf('\n```\n', at + marker.length);
  const code = guide.slice(at + marker.length, codeEnd + 1);
  const outStart = guide.indexOf('```\n', codeEnd + 5) + 4;
  const output = guide.slice(outStart, guide.indexOf('\n```\n', outStart) + 1);
  return { code, output };
}

function fromFile(name: string): string {
  const source = readFileSync(new URL(`examples/sync/${name}.ts`, root), 'utf8');
  const start = source.indexOf('// example:start\n') + '// example:start\n'.length;
  return source.slice(start, source.indexOf('// example:end\n'));
}

for (const [name, example] of examples) {
  test(`examples/sync/${name}.ts prints what the guide says, and the guide shows its code`, async () => {
    const lines: string[] = [];
    await example((line) => lines.push(line));
    const { code, output } = fromGuide(name);
    assert.equal(lines.join('\n') + '\n', output);
    assert.equal(code, fromFile(name));
  });
}
