// The package's declarations as a user sees them: a program importing 'simul' through the
// exports map type-checks against dist/src/*.d.ts with skipLibCheck off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { consumerProject, root } from './consumer-project.js';

test("a user's program type-checks against the published declarations", async () => {
  const consumer = readFileSync(join(root, 'test/fixtures/consumer/consumer.ts.txt'), 'utf8');
  const project = consumerProject(
    { 'consumer.ts': consumer },
    { noEmit: true, skipLibCheck: false },
  );
  try {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', project.dir]).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    assert.equal(result, '');
  } finally {
    project.remove();
  }
});
