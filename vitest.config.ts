import { defineConfig } from 'vitest/config';

const conditions = ['@jobforge/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**', '**/.jobforge/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // .ci/run asks for a JSON report to add up the counts of both Node versions.
    reporters: process.env.JOBFORGE_TEST_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.JOBFORGE_TEST_REPORT
      ? { outputFile: { json: process.env.JOBFORGE_TEST_REPORT } }
      : {}),
  },
});
