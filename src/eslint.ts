/**
 * Lint settings that catch a forgotten `await` (or `yield*`) on a simul operation: `sleep(10);`
 * or `queue.put(item);` as a statement does nothing, since an operation only runs when a task
 * waits on it.
 *
 * typescript-eslint's `no-floating-promises` sees only the built-in Promise unless told to
 * check every thenable; operations are thenables, not promises (their `then` starts a wait and
 * returns nothing: a promise made for every `await` would cost time and memory on every wait),
 * so `checkThenables` is what makes the rule see them. A Task is safe to leave floating: it
 * runs whether anyone joins it or not, inside its parent, so `spawn(...)` as a statement is
 * not reported.
 *
 * @example
 * // eslint.config.js (type-aware linting: the rule needs type information)
 * import tseslint from 'typescript-eslint';
 * import { floatingOperations } from 'simul/eslint';
 *
 * export default tseslint.config(
 *   ...tseslint.configs.recommendedTypeChecked,
 *   { languageOptions: { parserOptions: { projectService: true } } },
 *   floatingOperations,
 * );
 */
export const floatingOperations = {
  name: 'simul/floating-operations',
  rules: {
    '@typescript-eslint/no-floating-promises': [
      'error',
      {
        checkThenables: true,
        allowForKnownSafePromises: [{ from: 'package', package: 'simul', name: 'Task' }],
      },
    ],
  },
} as const;
