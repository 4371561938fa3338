export { backoffDelay, sleep } from './backoff.js';
export { boundText } from './bound-text.js';
export { canonicalize, MAX_CANONICAL_DEPTH } from './canonicalize.js';
export { defineConnector } from './define-connector.js';
export { preAuthEncoding } from './dsse.js';
export { isJobForgeError, JobForgeError, type JobForgeErrorOptions } from './errors.js';
export { EvidenceBuilder, type EvidenceEnd, type EvidenceStart } from './evidence-builder.js';
export {
  type DsseEnvelope,
  EVIDENCE_PREDICATE_TYPE,
  type EvidenceDenial,
  type EvidencePredicate,
  type EvidenceStatement,
  type EvidenceSubject,
  IN_TOTO_PAYLOAD_TYPE,
  STATEMENT_TYPE,
} from './evidence-types.js';
export { hashOutput, sha256Hex } from './hash-output.js';
export {
  type GeneratedKeyPair,
  generateSigningKeyPair,
  type KeyInput,
  keyIdOf,
  toPrivateKey,
  toPublicKey,
} from './keys.js';
export { type JsonBounds, parseBoundedJson } from './parse-bounded-json.js';
export { type PayloadSchema, parsePayload } from './parse-payload.js';
export {
  checkPolicyClaims,
  grantCovers,
  type IssuePolicyTokenOptions,
  issuePolicyToken,
  MAX_POLICY_TTL_SECONDS,
  POLICY_LEEWAY_SECONDS,
  type PolicyClaims,
  type PolicyGrant,
  type PolicyTokenCode,
  type PolicyTokenResult,
  type ValidatePolicyTokenOptions,
  validatePolicyToken,
} from './policy-token.js';
export { ensurePrivateDir, privateDirProblem } from './private-dir.js';
export { REDACTED, redactJson, redactSecrets, safeErrorMessage } from './redact.js';
export { type RunConnectorOptions, runConnector } from './run-connector.js';
export { DEFAULT_CONFIG, type RunConnectorParams } from './run-params.js';
export {
  ARTIFACT_MANIFEST_SCHEMA,
  type ArtifactManifest,
  buildManifest,
  isArtifactName,
  type ManifestEntry,
  manifestDigest,
} from './runs/artifact-manifest.js';
export {
  describeUrl,
  RUN_EVENT_KINDS,
  RUN_EVENT_SCHEMA,
  type RunEvent,
  type RunEventBody,
  type RunEventKind,
} from './runs/run-event.js';
export { signEvidence, signPayload } from './sign-evidence.js';
export type {
  ArtifactReceipt,
  ConnectorArtifacts,
  ConnectorConfig,
  ConnectorContext,
  ConnectorError,
  ConnectorFn,
  ConnectorInput,
  ConnectorLogger,
  ConnectorOutcome,
  ConnectorParams,
  ConnectorResult,
  JsonObject,
  JsonValue,
  RetryPolicy,
} from './types.js';
export {
  type VerifyFailureReason,
  type VerifyResult,
  verifyEnvelope,
  verifyEvidence,
} from './verify-evidence.js';
export { verifyRunResult } from './verify-run-result.js';
export {
  generateWebhookSecret,
  type HeaderSource,
  type SignWebhookOptions,
  signWebhook,
  type VerifyWebhookOptions,
  type VerifyWebhookResult,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookHeaders,
} from './webhooks.js';
export { type WriteFileAtomicOptions, writeFileAtomic } from './write-file-atomic.js';
