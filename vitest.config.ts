import { defineConfig } from 'vitest/config';

const conditions = ['@jobforge/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  // Vitest hands ssr.resolve.conditions to Node as --conditions flags. 'import' there makes require()
  // inside CommonJS packages load their ESM wrappers (pg → pg-pool breaks), so keep it out.
  ssr: {
    resolve: {
      conditions: ['@jobforge/source', 'node'],
      externalConditions: ['@jobforge/source'],
    },
  },
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**', '**/.jobforge/**'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The queue's tests need a PostgreSQL server: started once here for the whole run.
    globalSetup: ['queue/test/global-setup.ts'],
    // .ci/run asks for a JSON report to add up the counts of both Node versions.
    reporters: process.env.JOBFORGE_TEST_REPORT ? ['default', 'json'] : ['default'],
    ...(process.env.JOBFORGE_TEST_REPORT
      ? { outputFile: { json: process.env.JOBFORGE_TEST_REPORT } }
      : {}),
  },
});
