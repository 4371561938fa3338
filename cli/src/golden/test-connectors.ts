import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type ContractManifest,
  checkOutcomeAgainstManifest,
  type Diagnostic,
  GOLDEN_FILE,
  type GoldenCaseResult,
  type GoldenCases,
  type HttpMode,
  httpSessions,
  importEntry,
  runContractChecks,
  runGoldenCases,
  startGoldenServer,
  validateConnectors,
} from '@jobforge/toolkit';
import { loadConnectorDir } from '../load-connector-dir.js';

export interface ConnectorTestReport {
  file: string;
  id: string | null;
  version: string | null;
  /** Error diagnostics that stopped or failed the connector's contract (metadata, zod schema). */
  problems: Diagnostic[];
  cases: GoldenCaseResult[];
  ok: boolean;
}

/**
 * Tests connector folders: validates each one with its entry loaded (so the zod inputSchema is
 * compared with input_schema), then runs its golden cases against a golden HTTP server on 127.0.0.1.
 */
export async function testConnectors(
  paths: string[],
  options: { http?: HttpMode } = {},
): Promise<ConnectorTestReport[]> {
  const mode = options.http ?? 'replay';
  const validation = await validateConnectors(paths, { loadEntries: true, against: false });
  // Replay needs no server: nothing is contacted at all.
  const server = mode === 'replay' ? undefined : await startGoldenServer();
  const reports: ConnectorTestReport[] = [];
  try {
    for (const connector of validation.connectors) {
      const problems = validation.diagnostics.filter(
        (d) =>
          d.severity === 'error' &&
          d.file.startsWith(connector.file.replace(/metadata\.json$/, '')),
      );
      const report: ConnectorTestReport = {
        file: connector.file,
        id: connector.metadata?.connector_id ?? null,
        version: connector.metadata?.version ?? null,
        problems,
        cases: [],
        ok: false,
      };
      reports.push(report);
      if (problems.length > 0) continue;
      const golden = await readGolden(connector.dir);
      if (!golden) {
        report.cases.push({
          name: `${GOLDEN_FILE} is missing`,
          ok: false,
          failures: ['add golden cases: `jobforge test` has nothing to check'],
          duration_ms: 0,
        });
        continue;
      }
      const loaded = await loadConnectorDir(connector.dir);
      // validateConnectors has checked the metadata against the schema above.
      const manifest = loaded.metadata as typeof loaded.metadata & ContractManifest;
      report.cases = await runGoldenCases(loaded.fn, loaded.metadata, golden.cases, {
        session: httpSessions({
          mode,
          dir: connector.dir,
          cases: golden.cases,
          liveServerUrl: server?.url,
          env: process.env,
          onRun: (_golden, run) => checkOutcomeAgainstManifest(manifest, run),
        }),
      });
      report.cases.push(
        ...(await runContractChecks({
          fn: loaded.fn,
          exports: (await importEntry(
            resolve(loaded.dir, loaded.metadata.entry),
            loaded.dir,
          )) as Record<string, unknown>,
          metadata: manifest,
          dir: connector.dir,
          cases: golden.cases,
          passed: new Set(report.cases.filter((c) => c.ok).map((c) => c.name)),
        })),
      );
      report.ok = report.cases.every((c) => c.ok);
    }
  } finally {
    await server?.close();
  }
  // A path with nothing to test is a failure, not a silent pass.
  for (const d of validation.diagnostics)
    if (d.code === 'PATH_NOT_FOUND' || d.code === 'NO_CONNECTORS')
      reports.push({ file: d.file, id: null, version: null, problems: [d], cases: [], ok: false });
  return reports;
}

async function readGolden(dir: string): Promise<GoldenCases | undefined> {
  try {
    // validateConnectors has already checked this file against golden.schema.json.
    return JSON.parse(await readFile(join(dir, GOLDEN_FILE), 'utf8')) as GoldenCases;
  } catch {
    return undefined;
  }
}
