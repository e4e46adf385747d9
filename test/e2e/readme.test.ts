// The README's programs as a user runs them: every ```ts block of README.md is type-checked
// against the published declarations (through the exports map, as in types.test.ts), run
// with node, and must print exactly the ```text block that follows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { consumerProject, root } from './consumer-project.js';

const run = promisify(execFile);

interface Snippet {
  code: string;
  output: string;
}

/** Each ```ts block with the ```text block after it (before the next ```ts block). */
function snippets(markdown: string): Snippet[] {
  const blocks = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    body: m[2],
  }));
  const found: Snippet[] = [];
  blocks.forEach((block, i) => {
    if (block.lang !== 'ts') return;
    const next = blocks[i + 1];
    assert.ok(
      next?.lang === 'text',
      `README.md: the ts block starting "${block.body.split('\n')[0]}" must be followed by ` +
        'a text block with what it prints',
    );
    found.push({ code: block.body, output: next.body });
  });
  return found;
}

test("the README's programs type-check, run, and print what the README says", async () => {
  const found = snippets(readFileSync(join(root, 'README.md'), 'utf8'));
  assert.ok(found.length >= 2, 'the README shows its programs');
  const files = found.map((_, i) => `snippet-${i + 1}.ts`);
  const project = consumerProject(
    Object.fromEntries(found.map(({ code }, i) => [files[i], code])),
    { skipLibCheck: true },
  );
  const dir = project.dir;
  try {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '-p', dir]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    assert.equal(compiled, '', 'the snippets type-check');
    // All at once: one of them takes 3 s of real time, as it says.
    const runs = await Promise.all(
      files.map((file) => run(process.execPath, [join(dir, file.replace(/\.ts$/, '.js'))])),
    );
    runs.forEach(({ stdout, stderr }, i) => {
      assert.equal(stderr, '', `snippet ${i + 1} writes nothing to stderr`);
      assert.equal(stdout, found[i].output, `snippet ${i + 1} prints what the README says`);
    });
  } finally {
    project.remove();
  }
});
