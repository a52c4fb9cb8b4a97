// ESLint (typescript-eslint) for correctness; Prettier owns formatting (eslint-config-prettier turns off
// the rules that would fight it). Both are plain JavaScript packages, so `npm ci` works on any
// registry mirror (native-binary tools need per-platform optional packages some mirrors lack).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'client/dist/', 'node_modules/', 'coverage/', '.run/', '.cache/', 'bench/reports/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // services log through pino; the CLIs write their reports to process.stdout
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // the dashboard runs in the browser; dom.ts is its one way to build markup, never innerHTML
    files: ['dashboard/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'render text with dom.ts (textContent), never markup from data' },
        { property: 'outerHTML', message: 'render text with dom.ts (textContent), never markup from data' },
        { property: 'insertAdjacentHTML', message: 'render text with dom.ts (textContent), never markup from data' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
