import { isJobForgeError } from '@jobforge/sdk/errors';

/** The CLI's exit codes (DESIGN.md): the one place errors become numbers. */
export const EXIT = {
  ok: 0,
  /** The thing checked failed: invalid metadata, failed verification, a connector error. */
  failed: 1,
  /** Usage or environment error: bad flags, unreadable file, missing key. */
  usage: 2,
  /** A bug in JobForge itself; the stack is printed. */
  internal: 3,
} as const;

/** Error codes that mean "the thing checked failed" rather than "you used the tool wrongly". */
const CHECK_FAILED_CODES = new Set([
  'VERIFY_FAILED',
  'CONNECTOR_FAILED',
  'VALIDATION_FAILED',
  'TESTS_FAILED',
  // The registry: a connector refused publication, or a registry failed its checks.
  'BUNDLE_FAILED',
  'PUBLISH_REFUSED',
  'INDEX_SIGNATURE_INVALID',
  'INDEX_UNSIGNED',
  'INDEX_UNTRUSTED',
  // What a registry served failed its checks: the registry is at fault, not the command line.
  // Reaching it (REGISTRY_UNREACHABLE, _TIMEOUT, _NOT_FOUND, _HTTP_ERROR) stays an environment error.
  'INDEX_INVALID',
  'INDEX_ROLLBACK',
  'INDEX_EXPIRED',
  'REGISTRY_TRUNCATED',
  'REGISTRY_TOO_LARGE',
  'REGISTRY_FILE_INVALID',
  'ARTIFACT_MISSING',
  'ARTIFACT_INTEGRITY',
  'JOB_STATE_CONFLICT',
  // Governance: a payload, template file, policy token or audit chain failed its check.
  'PAYLOAD_INVALID',
  'TEMPLATE_INVALID',
  'POLICY_DENIED',
  'AUDIT_VERIFY_FAILED',
  // Run records: an artifact or the evidence does not hold.
  'RUN_NOT_VERIFIED',
]);

export function exitCodeFor(error: unknown): number {
  if (!isJobForgeError(error)) return EXIT.internal;
  return CHECK_FAILED_CODES.has(error.code) ? EXIT.failed : EXIT.usage;
}
