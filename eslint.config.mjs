// ESLint for the whole repository: JavaScript and typescript-eslint recommended rules, Svelte's
// recommended rules for components, and nothing that fights Prettier (formatting is Prettier's job).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default defineConfig(
  { ignores: ['out/**', 'node_modules/**', 'test-output/**', 'test/fixtures/**', '.retainlab-data/**'] },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  svelte.configs.prettier,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: { extraFileExtensions: ['.svelte'] },
    },
    rules: {
      // `_name` marks a value kept for its position (a destructured field left out, an unused callback argument).
      // Svelte's copy of the core rule crashes on plain scripts under ESLint 10; the core rule covers the same ground.
      'svelte/no-inner-declarations': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser } },
  },
  {
    // The CLI launcher and scripts are CommonJS run by Node directly.
    files: ['bin/**/*.js', 'scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
