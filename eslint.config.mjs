import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const noElectron = { name: 'electron', message: 'Only electron/main and electron/preload may import electron.' };
const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'https',
  'crypto',
  'stream',
  'buffer',
  'events',
  'url',
  'util',
  'tls',
  'dgram',
  'zlib',
];

/** Import rules per runtime layer (see ../shared/docs/architecture.md, "Layers"). */
const layer = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'renderer/dist/**',
      'test-results/**',
      'playwright-report/**',
      'release/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  layer(['shared/**/*.ts'], {
    paths: [
      noElectron,
      ...nodeBuiltins.filter((n) => !n.includes('*')).map((name) => ({ name, message: 'shared/ is runtime-neutral.' })),
    ],
    patterns: [
      { group: ['node:*'], message: 'shared/ is runtime-neutral.' },
      {
        group: ['**/electron/**', '**/renderer/**', '**/emulator/**', 'react', 'react-dom'],
        message: 'shared/ imports only shared/.',
      },
    ],
  }),
  layer(['electron/core/**/*.ts'], {
    paths: [noElectron],
    patterns: [
      {
        group: ['**/main/**', '**/preload/**', '**/host/**', '**/cli/**', '**/renderer/**', '**/emulator/**'],
        message: 'core imports only core and shared.',
      },
    ],
  }),
  layer(['electron/host/**/*.ts'], {
    paths: [noElectron],
    patterns: [
      {
        group: ['**/main/**', '**/preload/**', '**/cli/**', '**/renderer/src/**', '**/emulator/**'],
        message: 'host imports core, shared and its own folder.',
      },
    ],
  }),
  layer(['electron/cli/**/*.ts'], {
    paths: [noElectron],
    patterns: [
      {
        group: ['**/main/**', '**/preload/**', '**/host/**', '**/renderer/**', '**/emulator/**'],
        message: 'cli imports core, shared and its own folder.',
      },
    ],
  }),
  // Integration tests (*.integration.test.ts) run the real client against the real emulator (see Tests in the
  // architecture doc), so they may import emulator/; the other layer rules still hold for them.
  layer(['electron/core/**/*.integration.test.ts'], {
    paths: [noElectron],
    patterns: [
      {
        group: ['**/main/**', '**/preload/**', '**/host/**', '**/cli/**', '**/renderer/**'],
        message: 'core tests import core, shared and the emulator.',
      },
    ],
  }),
  layer(['electron/cli/**/*.integration.test.ts'], {
    paths: [noElectron],
    patterns: [
      {
        group: ['**/main/**', '**/preload/**', '**/host/**', '**/renderer/**'],
        message: 'cli tests import core, shared, cli and the emulator.',
      },
    ],
  }),
  layer(['electron/main/**/*.ts'], {
    patterns: [
      {
        group: ['**/preload/**', '**/host/**', '**/cli/**', '**/renderer/**', '**/emulator/**'],
        message: 'main imports core, shared and its own folder.',
      },
    ],
  }),
  layer(['electron/preload/**/*.ts'], {
    patterns: [
      {
        group: ['**/core/**', '**/main/**', '**/host/**', '**/cli/**', '**/renderer/**', '**/emulator/**'],
        message: 'preload imports only shared.',
      },
    ],
  }),
  layer(['renderer/**/*.{ts,tsx}'], {
    paths: [
      noElectron,
      ...nodeBuiltins
        .filter((n) => !n.includes('*'))
        .map((name) => ({ name, message: 'The renderer never imports Node.' })),
    ],
    patterns: [
      { group: ['node:*'], message: 'The renderer never imports Node.' },
      {
        group: ['**/electron/**', '**/emulator/**'],
        message: 'The renderer talks to main only through window.porthole.',
      },
    ],
  }),
  layer(['emulator/**/*.ts'], {
    paths: [noElectron],
    patterns: [
      {
        group: [
          '**/electron/main/**',
          '**/electron/preload/**',
          '**/electron/host/**',
          '**/electron/cli/**',
          '**/renderer/**',
        ],
        message: 'The emulator imports only shared and core (codec, smux).',
      },
    ],
  }),
);
