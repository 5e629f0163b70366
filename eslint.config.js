// ESLint flat config: typescript-eslint (type-aware) plus the house rules.
import js from '@eslint/js';
import unicorn from 'eslint-plugin-unicorn';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdk.out/',
      '.venv/',
      '.local/',
      'demo-output/',
      'coverage/',
      'events/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // The CLI's launcher is JavaScript, outside tsconfig: a .ts entry would load Node's type stripper.
        projectService: { allowDefaultProject: ['*.js', 'functions/cli/bin.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { unicorn },
    rules: {
      'unicorn/filename-case': ['error', { case: 'kebabCase' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals.' },
      ],
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Lean bundles: zod's classic API (and Powertools Parser's schemas, written in it) keeps all of zod in a
    // bundle; zod/mini's functions are taken one by one, unless the `z` object holding them all is imported.
    files: ['functions/**'],
    ignores: ['functions/core/zod.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' },
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals.' },
        {
          selector:
            "ImportDeclaration[source.value=/zod\\.ts$/][importKind='value'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from '…/zod.ts'`: the named `z` bundles every zod function.",
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['zod', 'zod/*'],
              message:
                "Use `import * as z from '#core/zod.ts'` (functions/core/zod.ts: zod/mini, with messages).",
            },
            {
              group: ['@aws-lambda-powertools/parser/schemas/*'],
              message: 'Its zod import bundles all of zod; see functions/core/events/eventbridge.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'functions/cli/**', 'test/**', 'infra/app.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Tests poke at parsed JSON (CLI output, moto responses); typing every probe adds noise, not safety.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // Tool config files must default-export.
    files: ['vitest.config.ts', 'eslint.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
