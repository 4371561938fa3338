import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@jobforge/runtime';
import {
  generateSigningKeyPair,
  isJobForgeError,
  type JsonValue,
  verifyEvidence,
} from '@jobforge/sdk';

export interface RegistryDemo {
  url: string;
  keyId: string;
  connectors: number;
  rows: { connector: string; case: string; result: string; evidence: string }[];
  tamperedArtifactRejected: boolean;
  allVerified: boolean;
}

/**
 * The registry half of the demo: build a signed registry from the connectors folder, serve it on
 * 127.0.0.1, and load every connector through the client (signature checked, artifact verified)
 * to run one case each in the sandbox; then show a tampered artifact being refused.
 */
export async function registryDemo(
  connectorsDir: string,
  runtime: Runtime,
  hostPublicKey: KeyObject,
  payloads: Map<string, { name?: string; payload: JsonValue; operation?: string }>,
): Promise<RegistryDemo> {
  const { buildRegistry, createRegistryClient, serveRegistry } = await import('@jobforge/registry');
  const { validateConnectors } = await import('@jobforge/toolkit');
  const work = mkdtempSync(join(tmpdir(), 'jobforge-demo-'));
  const registryKey = generateSigningKeyPair();
  try {
    const out = join(work, 'registry');
    const built = await buildRegistry({
      validate: validateConnectors,
      connectorsDir,
      outDir: out,
      key: registryKey.privateKeyPem,
    });
    const served = await serveRegistry(out);
    try {
      const client = createRegistryClient({
        registry: served.url,
        trustedKeys: [registryKey.publicKeyPem],
        cacheDir: join(work, 'cache'),
      });
      const rows: RegistryDemo['rows'] = [];
      let allVerified = true;
      for (const entry of built.index.connectors) {
        const { connector, version } = await client.resolve(`${entry.id}@*`);
        const artifact = await client.fetchArtifact(connector.id, version);
        const { artifact: _ref, yanked: _yanked, ...published } = version;
        const metadata = { ...published, connector_id: connector.id, entry: artifact.path };
        const demoCase = payloads.get(connector.id) ?? firstGoldenCase(connectorsDir, connector.id);
        if (!demoCase) {
          rows.push({
            connector: `${connector.id}@${version.version}`,
            case: `via registry (${version.artifact.size} B bundle)`,
            result: 'loaded, not run',
            evidence: 'its cases need the golden server (`jobforge test`)',
          });
          continue;
        }
        const started = performance.now();
        // The sandbox checks the artifact's integrity again before its child loads it.
        const run = await runtime.run(
          { artifact: { path: artifact.path, integrity: artifact.integrity, metadata } },
          {
            payload: demoCase.payload,
            ...(demoCase.operation ? { operation: demoCase.operation } : {}),
          },
          { trace_id: `demo-registry-${rows.length + 1}` },
        );
        const ms = (performance.now() - started).toFixed(1);
        const checked = verifyEvidence(run.evidence, hostPublicKey);
        allVerified &&= checked.ok;
        rows.push({
          connector: `${connector.id}@${version.version}`,
          case: `${demoCase.name ?? 'first case'} via registry (${version.artifact.size} B bundle)`,
          result: run.ok ? `ok (${ms} ms)` : `${run.error.code} (${ms} ms)`,
          evidence: checked.ok ? 'signature verified' : `INVALID: ${checked.reason}`,
        });
      }
      // Alter one served artifact: a fresh client must refuse it before loading anything.
      const first = built.index.connectors[0]!.versions[0]!;
      const file = join(out, first.artifact.path);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n;globalThis.pwned = true;\n`);
      let tamperedArtifactRejected = false;
      try {
        await createRegistryClient({
          registry: served.url,
          trustedKeys: [registryKey.publicKeyPem],
          cacheDir: join(work, 'cache-2'),
        }).fetchArtifact(built.index.connectors[0]!.id, first);
      } catch (error) {
        tamperedArtifactRejected = isJobForgeError(error) && error.code === 'ARTIFACT_INTEGRITY';
      }
      return {
        url: served.url,
        keyId: registryKey.keyId,
        connectors: built.index.connectors.length,
        rows,
        tamperedArtifactRejected,
        allVerified,
      };
    } finally {
      await served.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A connector's first golden case when it runs on its own: no golden server placeholder in its
 * input and no secrets (the demo gives connectors none).
 */
function firstGoldenCase(
  connectorsDir: string,
  id: string,
): { name?: string; payload: JsonValue; operation?: string } | undefined {
  let cases: { name?: string; input?: JsonValue; operation?: string; secrets?: unknown }[];
  try {
    cases = JSON.parse(readFileSync(join(connectorsDir, id, 'test', 'golden.json'), 'utf8')).cases;
  } catch {
    return undefined;
  }
  const first = Array.isArray(cases) ? cases[0] : undefined;
  if (!first || first.secrets || JSON.stringify(first.input ?? null).includes('{{'))
    return undefined;
  return {
    ...(first.name ? { name: first.name } : {}),
    payload: first.input ?? {},
    ...(first.operation ? { operation: first.operation } : {}),
  };
}
