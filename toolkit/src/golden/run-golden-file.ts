import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectorFn } from '@jobforge/sdk';
import { GOLDEN_FILE } from '../file-rules.js';
import type { GoldenCases } from '../generated/golden.js';
import { startGoldenServer } from './golden-server.js';
import { type HttpMode, httpSessions } from './http-sessions.js';
import { type GoldenCaseResult, runGoldenCases } from './run-golden-cases.js';

/**
 * Runs the golden cases of the connector in `dir` (its metadata.json and test/golden.json). By
 * default they replay their recordings (test/fixtures/recordings, no network); `http: 'record'`
 * or `'live'` runs them against a golden server started for the purpose, stopped after.
 *
 * @example
 * // connectors/echo/test/echo.test.ts
 * expect((await runGoldenFile(echo, join(import.meta.dirname, '..'))).filter((r) => !r.ok)).toEqual([]);
 */
export async function runGoldenFile<P, D>(
  fn: ConnectorFn<P, D>,
  dir: string,
  options: { http?: HttpMode } = {},
): Promise<GoldenCaseResult[]> {
  const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
  const golden = JSON.parse(await readFile(join(dir, GOLDEN_FILE), 'utf8')) as GoldenCases;
  const mode = options.http ?? 'replay';
  const server = mode === 'replay' ? undefined : await startGoldenServer();
  try {
    return await runGoldenCases(fn, metadata, golden.cases, {
      session: httpSessions({ mode, dir, cases: golden.cases, liveServerUrl: server?.url }),
    });
  } finally {
    await server?.close();
  }
}
