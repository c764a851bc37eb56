// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';
import boundaries from './scripts/module-boundaries.js';

/**
 * eslint-plugin-regexp's "Possible Errors" rules as errors: regexes that can backtrack
 * super-linearly on hostile input (no-super-linear-backtracking, no-super-linear-move) and regexes
 * that do not mean what they say (contradicting assertions, useless backreferences, misleading
 * capturing groups, ...). Its stylistic and best-practice rules are not enabled.
 */
const regexpSafety = Object.fromEntries(
  Object.entries(regexp.rules)
    .filter(([, rule]) => rule.meta.docs?.category === 'Possible Errors')
    .map(([name]) => [`regexp/${name}`, 'error']),
);

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'admin-web',
      'coverage',
      'eslint.config.mjs',
      'jest.config.js',
      'scripts/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    plugins: { regexp },
    rules: regexpSafety,
  },
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  // No module imports another's internals (entities, dto, helpers): docs/architecture.md.
  ...boundaries.moduleBoundaries(import.meta.dirname),
  {
    // The receiver samples are plain JavaScript for customers to copy: no types to check.
    files: ['docs/samples/**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts', 'tools/**/*.spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
