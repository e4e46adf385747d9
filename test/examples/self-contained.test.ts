// The examples are programs a user copies one file at a time: each imports only simul and
// Node's own modules, never a helper beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

// Compiled to dist/test/examples/: the sources are three levels up.
const examples = new URL('../../../examples/', import.meta.url);

for (const folder of ['hello', 'sync', 'bugs']) {
  for (const file of readdirSync(new URL(`${folder}/`, examples))) {
    test(`examples/${folder}/${file} imports nothing but simul and node: modules`, () => {
      const source = readFileSync(new URL(`${folder}/${file}`, examples), 'utf8');
      const imported = [...source.matchAll(/\b(?:from|import) '([^']+)'/g)].map((m) => m[1]);
      assert.ok(imported.length > 0);
      for (const specifier of imported) {
        assert.ok(specifier === 'simul' || specifier.startsWith('node:'), specifier);
      }
    });
  }
}
