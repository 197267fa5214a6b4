// ESLint: typescript-eslint's recommended type-checked rules over the server (src, migrations),
// tests, benches, scripts and the board's browser modules (web/, type-checked by web/tsconfig.json).
// `npm run lint`. Only the rules this code base breaks on purpose are relaxed, each with its reason.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unsafeAny = ['no-unsafe-assignment', 'no-unsafe-member-access', 'no-unsafe-call', 'no-unsafe-argument', 'no-unsafe-return'].map((r) => `@typescript-eslint/${r}`);
const level = (rules, severity) => Object.fromEntries(rules.map((r) => [r, severity]));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.ci/out/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // Names starting with _ mark a value left unused on purpose (a field dropped by destructuring, a callback's unused argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      // Exhaustive switches print the impossible value (`${x satisfies never}`); a failure caught as unknown is re-thrown as it came.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNever: true }],
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      // Fakes and adapters implement Promise-returning interfaces (the import CLI's io, test doubles) without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Rows of hand-written SQL (DataSource.query, COPY) come back as any and are shaped by hand in each repository: warn, not fail.
    files: ['src/**', 'migrations/**', 'scripts/**', 'bench/**'],
    rules: { ...level(unsafeAny, 'warn'), '@typescript-eslint/no-explicit-any': 'warn' },
  },
  {
    // Tests read the API's JSON answers (supertest's body is any) and check them with expect(), not with types.
    files: ['test/**', 'src/**/*.spec.ts', 'src/**/*.testing.ts'],
    rules: { ...level(unsafeAny, 'off'), '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The board is plain JavaScript checked with strict off (web/tsconfig.json): the API's answers it reads have no types.
    files: ['web/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...level(unsafeAny, 'off'),
      // A page's handlers and refreshes start async work and return: each view shows its own failures
      // (api.js turns every failed call into a message on the page), so nothing awaits them.
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      // FormData.get of a text input or select is a string (no file inputs in these forms).
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // The root's config files belong to no tsconfig.
    files: ['*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
