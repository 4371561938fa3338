import { canonicalize, type DsseEnvelope, type EvidenceStatement, hashOutput } from '@jobforge/sdk';

/** The `$schema` of `run_receipt.json`. */
export const RUN_RECEIPT_SCHEMA = 'https://jobforge.dev/schemas/run-receipt/v1.json';

/** `run_receipt.json`: one run in one canonical JSON object (docs/runs.md has its schema). */
export interface RunReceipt {
  $schema: typeof RUN_RECEIPT_SCHEMA;
  run_id: string;
  job_id: string;
  attempt: number;
  tenant_id: string;
  /** Projects are not modelled yet; always null in v1. */
  project_id: null;
  trace_id: string;
  connector: { id: string; version: string; integrity: string | null };
  operation: string;
  dry_run: boolean;
  replay_of: string | null;
  input_hash: string;
  output_hash: string;
  status: 'success' | 'failure';
  error_code: string | null;
  timing: { started_at: string; ended_at: string; duration_ms: number };
  /** sha256 of the signed artifact manifest (equal to the evidence's `predicate.manifest.sha256`). */
  manifest_sha256: string | null;
  /** sha256 of the evidence envelope's canonical JSON. */
  evidence_sha256: string;
}

/** The statement inside an envelope (not verified here: `verifyEvidence` does that). */
export function statementOf(envelope: DsseEnvelope): EvidenceStatement {
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as EvidenceStatement;
}

/** The receipt of a run, from its evidence; every field but the ids is copied from what was signed. */
export function buildReceipt(
  run: { jobId: string; attempt: number },
  envelope: DsseEnvelope,
): RunReceipt {
  const p = statementOf(envelope).predicate;
  return {
    $schema: RUN_RECEIPT_SCHEMA,
    run_id: `${run.jobId}.${run.attempt}`,
    job_id: run.jobId,
    attempt: run.attempt,
    tenant_id: p.invocation.tenant_id,
    project_id: null,
    trace_id: p.invocation.trace_id,
    connector: p.connector,
    operation: p.invocation.operation,
    dry_run: p.invocation.dry_run,
    replay_of: p.replay_of ?? null,
    input_hash: p.input_hash,
    output_hash: p.output_hash,
    status: p.status,
    error_code: p.error_code,
    timing: p.timing,
    manifest_sha256: p.manifest?.sha256 ?? null,
    evidence_sha256: hashOutput(envelope),
  };
}

/** The receipt's bytes: canonical JSON and a newline. */
export function receiptBytes(receipt: RunReceipt): Buffer {
  return Buffer.from(`${canonicalize(receipt)}\n`);
}
