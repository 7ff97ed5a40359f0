// ESLint 9 flat config for the whole repository. Each package lints with `eslint src test` from its own folder;
// ESLint finds this file by walking up. Rules are the non-type-aware recommended sets (fast), plus the dependency
// direction rule: for every folder under packages/, no-restricted-imports patterns generated from tools/layers.json
// (see tools/repo/layers.mjs). apps/*, test/* and tools/* may import anything.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { eslintLayerConfigs } from './tools/repo/layers.mjs';

export default defineConfig(
  {
    name: 'excite/ignores',
    ignores: ['**/dist/', '**/node_modules/', '**/coverage/', '**/.turbo/', '**/*.d.ts', '.vitest-results.json'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'excite/base',
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    name: 'excite/tests',
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  ...eslintLayerConfigs(),
);
