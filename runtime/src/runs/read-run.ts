import {
  buildManifest,
  type DsseEnvelope,
  type KeyInput,
  type ManifestEntry,
  manifestDigest,
  sha256Hex,
  verifyEvidence,
} from '@jobforge/sdk';
import type { ArtifactStore } from './artifact-store.js';
import { type RunReceipt, statementOf } from './run-receipt.js';

/** An attempt's record as the queue returns it (the runs client's `RunRecord`). */
export interface StoredRun {
  job_id: string;
  attempt: number;
  tenant_id: string;
  job_status: string;
  manifest_sha256: string;
  manifest: { artifacts: StoredEntry[] };
}

/** A manifest entry as stored: signed or derived, and which store holds its bytes. */
export type StoredEntry = ManifestEntry & { signed: boolean; storage: string };

export interface ArtifactCheck {
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  signed: boolean;
  storage: string;
  /** `ok`, `missing` or `altered` (the stored bytes no longer hash to the manifest's sha256). */
  state: 'ok' | 'missing' | 'altered';
}

export interface LoadedRun {
  run_id: string;
  record: StoredRun;
  artifacts: ArtifactCheck[];
  /** Bytes of every artifact found unaltered, by name. */
  files: Map<string, Buffer>;
  receipt: RunReceipt | null;
  evidence: DsseEnvelope | null;
  /** Everything that does not hold, each naming what (an altered file, a digest that differs). */
  problems: string[];
}

/**
 * Reads a run's artifacts from their stores and checks each against the manifest's sha256, the
 * signed part of the manifest against the digest the evidence signs, and the evidence's signature
 * when a public key is given. Never throws for a bad record: it lists what is wrong.
 */
export async function loadRun(
  record: StoredRun,
  stores: Record<string, ArtifactStore>,
  publicKey?: KeyInput,
): Promise<LoadedRun> {
  const runId = `${record.job_id}.${record.attempt}`;
  const problems: string[] = [];
  const files = new Map<string, Buffer>();
  const artifacts: ArtifactCheck[] = [];
  for (const a of record.manifest.artifacts) {
    const store = stores[a.storage];
    const bytes = store ? await store.get(record.job_id, a.sha256) : null;
    let state: ArtifactCheck['state'] = 'ok';
    if (!bytes) state = 'missing';
    else if (sha256Hex(bytes) !== a.sha256) state = 'altered';
    else files.set(a.name, bytes);
    if (state !== 'ok')
      problems.push(`${a.name} is ${state}: the manifest says sha256 ${a.sha256} in ${a.storage}`);
    const { truncated: _t, ...entry } = a;
    artifacts.push({ ...entry, state });
  }
  const signedDigest = manifestDigest(
    buildManifest(record.manifest.artifacts.filter((a) => a.signed)),
  );
  if (signedDigest !== record.manifest_sha256)
    problems.push(
      `the manifest's signed entries hash to ${signedDigest}, not the recorded ${record.manifest_sha256}`,
    );
  const receipt = parseJson<RunReceipt>(files.get('run_receipt.json'));
  const evidence = parseJson<DsseEnvelope>(files.get('evidence.json'));
  if (!evidence) problems.push('evidence.json is not readable');
  else {
    const signed = statementOf(evidence).predicate.manifest?.sha256;
    if (signed !== record.manifest_sha256)
      problems.push(
        `the evidence signs manifest ${signed ?? 'none'}, the record says ${record.manifest_sha256}`,
      );
    if (publicKey) {
      const verified = verifyEvidence(evidence, publicKey);
      if (!verified.ok) problems.push(`the evidence does not verify: ${verified.reason}`);
    }
  }
  return { run_id: runId, record, artifacts, files, receipt, evidence, problems };
}

function parseJson<T>(bytes: Buffer | undefined): T | null {
  if (!bytes) return null;
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    return null;
  }
}
