import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@harmony-agents/source'] },
  ssr: { resolve: { conditions: ['@harmony-agents/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts', 'packages/*/test/**/*.test-d.ts'],
      tsconfig: './tsconfig.tests.json',
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real-engine tests load models; keep heavy files from running in parallel on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    onConsoleLog: () => false,
  },
});
