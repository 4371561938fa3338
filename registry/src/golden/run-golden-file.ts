import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorFn } from '@jobforge/sdk';
import { GOLDEN_FILE } from '../file-rules.js';
import type { GoldenCases } from '../generated/golden.js';
import { startGoldenServer } from './golden-server.js';
import { type GoldenCaseResult, runGoldenCases } from './run-golden-cases.js';

/**
 * Runs the golden cases of the connector in `dir` (its metadata.json and test/golden.json) against
 * a golden server started for the purpose, and stops the server after.
 *
 * @example
 * // connectors/echo/test/echo.test.ts
 * expect((await runGoldenFile(echo, join(import.meta.dirname, '..'))).filter((r) => !r.ok)).toEqual([]);
 */
export async function runGoldenFile<P, D>(
  fn: ConnectorFn<P, D>,
  dir: string,
): Promise<GoldenCaseResult[]> {
  const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
  const golden = JSON.parse(await readFile(join(dir, GOLDEN_FILE), 'utf8')) as GoldenCases;
  const server = await startGoldenServer();
  try {
    return await runGoldenCases(fn, metadata, golden.cases, { serverUrl: server.url });
  } finally {
    await server.close();
  }
}
