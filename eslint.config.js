import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'infra/**/*.json', 'web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  // An exported function says what it returns, so a reader of a module's surface need not read its body.
  {
    files: ['src/**/*.ts', 'local/**/*.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'error' },
  },
  // The layers (docs/architecture.md): domain ← application ← adapters and functions; only the
  // composition roots (src/composition, src/index.ts, local/stack.ts) see the concrete adapters.
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', 'node:*', '**/application/**', '**/adapters/**', '**/functions/**', '**/composition/**', '**/config.js'],
              message: 'src/domain is pure: no Azure SDKs, no I/O, nothing from the layers around it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/application/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', '**/adapters/**', '**/functions/**', '**/composition/**'],
              message: 'src/application owns its ports (ports.ts); adapters implement them and only a composition root knows them.',
            },
            {
              group: ['@opentelemetry/*', '!@opentelemetry/api'],
              message:
                'Telemetry code uses @opentelemetry/api only; the SDKs are registered by a composition root (docs/observability.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@azure/*', '!@azure/functions', '**/adapters/**', '**/composition/**'],
              message: 'src/functions is thin: it calls use cases with the services its host binds, never an adapter.',
            },
            {
              group: ['@opentelemetry/*', '!@opentelemetry/api'],
              message:
                'Telemetry code uses @opentelemetry/api only; the SDKs are registered by a composition root (docs/observability.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/functions/**', '**/composition/**'],
              message: 'An adapter implements a port of src/application; it knows no function and no composition root.',
            },
          ],
        },
      ],
    },
  },
  // The web app shares only pure rules with the server (src/domain: the state machine, the SMS
  // segment counter), so client and server agree by construction; everything else reaches the
  // server through the API.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@azure/*',
                'node:*',
                '**/src/application/**',
                '**/src/adapters/**',
                '**/src/functions/**',
                '**/src/composition/**',
                '**/src/config.js',
                '**/src/index.js',
                '**/local/**',
              ],
              message: 'web/ imports only pure code from src/domain; it talks to the rest through the API (web/src/api).',
            },
          ],
        },
      ],
    },
  },
);
