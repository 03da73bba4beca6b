import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Runtime code: what the production build compiles and the Docker image ships. */
const RUNTIME_FILES = [
  'gateway/src/**/*.ts',
  'worker/src/**/*.ts',
  'libs/contracts/src/**/*.ts',
  'libs/config/src/**/*.ts',
  'libs/http/src/**/*.ts',
  'libs/inference/src/**/*.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-tools/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Test code stays out of the shipped build (tsconfig.build.json has no `@app/testing` path
    // either): this says why at the import, not later in the build.
    files: RUNTIME_FILES,
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@app/testing', '@app/testing/*', '**/test/*', '**/testing/*'],
              message: 'Runtime code must not import test support, fakes or fixtures.',
            },
          ],
        },
      ],
    },
  },
  {
    // e2e assertions walk untyped JSON response bodies.
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
