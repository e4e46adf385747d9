// A forgotten await is caught by the linter: with simul's `floatingOperations` settings,
// typescript-eslint's no-floating-promises reports an operation left as a statement
// (`sleep(10);`, `q.put(x);`), and not a spawned task or an awaited/delegated operation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { floatingOperations } from '../../src/eslint.js';
import { consumerProject, root } from './consumer-project.js';

/** Lints the fixture program as a user's project would, with `settings` on top of the parser. */
async function lintFixture(settings: object): Promise<{ reported: string[]; expected: string[] }> {
  const source = readFileSync(join(root, 'test/fixtures/lint/program.ts.txt'), 'utf8');
  const project = consumerProject(
    { 'program.ts': source },
    { noEmit: true, preserveSymlinks: true },
  );
  const dir = project.dir;
  try {
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          languageOptions: {
            parser: tseslint.parser,
            parserOptions: { projectService: true, tsconfigRootDir: dir },
          },
          plugins: { '@typescript-eslint': tseslint.plugin },
        },
        settings as never,
      ],
    });
    const [result] = await eslint.lintFiles(['program.ts']);
    const reported = result.messages.map((m) => `${m.line} ${m.ruleId}`);
    const expected = source
      .split('\n')
      .flatMap((line, i) =>
        line.includes('// FLOATING') ? [`${i + 1} @typescript-eslint/no-floating-promises`] : [],
      );
    return { reported, expected };
  } finally {
    project.remove();
  }
}

test('no-floating-promises with floatingOperations reports every forgotten await, and only those', async () => {
  const { reported, expected } = await lintFixture(floatingOperations);
  assert.ok(expected.length >= 6);
  assert.deepEqual(reported, expected);
});

test('the rule with its default options does not see operations: the reason for floatingOperations', async () => {
  // If typescript-eslint ever reports thenables by default, this fails and the docs change.
  const { reported } = await lintFixture({
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  });
  assert.deepEqual(reported, []);
});
