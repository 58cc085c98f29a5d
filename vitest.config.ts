import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    // Caches the code under test writes by default (the python tool's snapshot) stay out of the user's.
    env: { HARMONY_AGENTS_CACHE_DIR: join(tmpdir(), 'harmony-agents-test-cache') },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real-engine tests load models; keep heavy files from running in parallel on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    onConsoleLog: () => false,
  },
});
