// Lint rules: typescript-eslint's recommended set; formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The /web page: browser ES modules (src/server/web/).
    files: ['src/server/web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'document',
          'window',
          'location',
          'navigator',
          'fetch',
          'URL',
          'URLSearchParams',
          'Node',
          'Option',
          'Blob',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'matchMedia',
          'getSelection',
          'sessionStorage',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The benchmark core is pure (docs/benchmark.md, Determinism): no clock, no ambient randomness, no environment, no
    // I/O and no server; a time in a served page comes from src/core/calendar.ts.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['Date', 'process', 'performance', 'setTimeout', 'setInterval', 'setImmediate', 'crypto'].map(
          (name) => ({
            name,
            message: 'src/core is pure: no clock, environment, timers or platform randomness',
          }),
        ),
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'src/core is pure: randomness comes from src/core/rng.ts',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'os', 'path', 'crypto'], message: 'src/core does no I/O' },
            {
              group: [
                'fastify',
                '@fastify/*',
                'ws',
                ...['server', 'env', 'cli', 'agents', 'client', 'eval', 'results'].map(
                  (room) => `**/${room}/**`,
                ),
              ],
              message: 'src/core imports nothing above it',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
);
