import type { EvidenceStatement } from './evidence-types.js';
import { hashOutput } from './hash-output.js';
import type { KeyInput } from './keys.js';
import { type VerifyResult, verifyEvidence } from './verify-evidence.js';

/**
 * Verifies a signed run result `{ ok, data | error, evidence }` (what `jobforge run --json` and
 * the runtime return): the envelope's signature, and that the unsigned `ok`, `data` and `error`
 * beside it are the ones the statement hashed. A bare envelope is verified as `verifyEvidence`
 * does. Never throws on hostile input.
 *
 * @example
 * const checked = verifyRunResult(JSON.parse(await readFile('run.json', 'utf8')), [hostPublicKey]);
 */
export function verifyRunResult(
  document: unknown,
  publicKeys: KeyInput | readonly KeyInput[],
): VerifyResult<EvidenceStatement> {
  if (!isRunResult(document)) return verifyEvidence(document, publicKeys);
  const checked = verifyEvidence(document.evidence, publicKeys);
  if (!checked.ok) return checked;
  const predicate = checked.statement.predicate;
  const mismatch = (message: string) => ({
    ok: false as const,
    reason: 'OUTPUT_MISMATCH' as const,
    message,
  });
  if (document.ok !== (predicate.status === 'success')) {
    return mismatch(
      `the result says ok: ${String(document.ok)}, the signed statement says ${predicate.status}`,
    );
  }
  let unsigned: string;
  try {
    if (document.ok) {
      unsigned = hashOutput(document.data);
    } else {
      const error = document.error as {
        code?: unknown;
        message?: unknown;
        retryable?: unknown;
      } | null;
      if (typeof error !== 'object' || error === null)
        return mismatch('the result has no error object');
      if (error.code !== predicate.error_code) {
        return mismatch(
          `the result's error code ${JSON.stringify(error.code)} is not the signed ${JSON.stringify(predicate.error_code)}`,
        );
      }
      unsigned = hashOutput({
        code: error.code,
        message: error.message,
        retryable: error.retryable,
      });
    }
  } catch {
    return mismatch(`the result's ${document.ok ? 'data' : 'error'} is not JSON`);
  }
  if (unsigned !== predicate.output_hash) {
    return mismatch(
      `the result's ${document.ok ? 'data' : 'error'} does not match the signed output_hash: it was altered after signing`,
    );
  }
  return checked;
}

function isRunResult(
  value: unknown,
): value is { ok: unknown; data?: unknown; error?: unknown; evidence: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('payloadType' in value) &&
    'evidence' in value
  );
}
