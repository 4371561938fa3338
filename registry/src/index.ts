export { analyzeEntries, type EntryFacts } from './analyze-entries.js';
export { type ArtifactCache, artifactCache, type CacheLookup } from './artifact-cache.js';
export {
  type BuildRegistryOptions,
  type BuildRegistryResult,
  buildRegistry,
} from './build-index.js';
export { type Bundle, type BundleRequest, bundleConnectors } from './bundle-connectors.js';
export { checkInputContract, type InputContractResult } from './contract/input-contract.js';
export { type GeneratedInput, generateInvalidInputs } from './contract/invalid-inputs.js';
export {
  type ContractManifest,
  checkErrorAgainstManifest,
  checkOutcomeAgainstManifest,
  STANDARD_ERROR_CODES,
} from './contract/manifest-contract.js';
export { checkRetryContract, RETRY_PROBES } from './contract/retry-contract.js';
export { type ContractSubject, runContractChecks } from './contract/run-contract-checks.js';
export { type Diagnostic, toPointer } from './diagnostic.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostic-codes.js';
export { type ConnectorFolder, discoverConnectors } from './discover-connectors.js';
export { type ConnectorDoc, connectorDoc } from './docs-model.js';
export { GOLDEN_FILE } from './file-rules.js';
export { generateTypes } from './generate-types.js';
export type { GoldenCases } from './generated/golden.js';
export type { ConnectorMetadata } from './generated/metadata.js';
export { type GoldenServer, startGoldenServer } from './golden/golden-server.js';
export {
  GOLDEN_SERVER_ALIAS,
  type HttpMode,
  type HttpSessionsOptions,
  httpSessions,
} from './golden/http-sessions.js';
export { hasPath, matchSubset } from './golden/match-subset.js';
export { RECORDINGS_DIR, recordingPaths } from './golden/recording-paths.js';
export {
  type GoldenCase,
  type GoldenCaseResult,
  type GoldenRunSession,
  type RunGoldenOptions,
  runGoldenCases,
} from './golden/run-golden-cases.js';
export { runGoldenFile } from './golden/run-golden-file.js';
export {
  ARTIFACTS_DIR,
  type ArtifactRef,
  artifactPath,
  INDEX_FILE,
  INDEX_FORMAT,
  INDEX_PREDICATE_TYPE,
  INDEX_SCHEMA_ID,
  type IndexConnector,
  type IndexVersion,
  type RegistryIndex,
  SCHEMA_FILE,
  SIGNATURE_FILE,
} from './index-format.js';
export { nextSignature, type SigningOptions } from './index-freshness.js';
export { INDEX_SCHEMA, indexSchemaProblems } from './index-schema.js';
export { integrityHex, integrityOf, matchesIntegrity } from './integrity.js';
export { lineColumn } from './line-column.js';
export { type LoadedIndex, loadIndex, type TrustOptions } from './load-index.js';
export { GOLDEN_SCHEMA, METADATA_SCHEMA } from './metadata-schema.js';
export { parseIndex } from './parse-index.js';
export {
  type JsonParseResult,
  type JsonPosition,
  parseJsonPositions,
} from './parse-json-positions.js';
export { DEFAULT_INDEX_DIR, type PublishedIndex, readPublishedIndex } from './published-index.js';
export { findStrays, type RegistryDirState, readRegistryDir } from './read-registry-dir.js';
export {
  createRegistryClient,
  type FetchedArtifact,
  type RegistryClient,
  type RegistryClientOptions,
} from './registry-client.js';
export { openRegistrySource, type RegistrySource, type SourceRead } from './registry-source.js';
export {
  DOCS_TEMPLATES_DIR,
  docsDrift,
  type RenderDocsOptions,
  renderDocs,
  writeDocs,
} from './render-docs.js';
export {
  type HostOffer,
  parseSpec,
  type Resolution,
  type ResolveOptions,
  resolveVersion,
} from './resolve-version.js';
export {
  AUTH_CHOICES,
  type AuthChoice,
  checkScaffoldAnswers,
  type ScaffoldAnswers,
} from './scaffold/scaffold-answers.js';
export { type ScaffoldResult, scaffoldConnector } from './scaffold/scaffold-connector.js';
export { type SchemaRow, schemaRows } from './schema-rows.js';
export { fileSerialStore, memorySerialStore, type SerialStore } from './serial-store.js';
export { type ServedRegistry, serveRegistry } from './serve-registry.js';
export {
  DEFAULT_INDEX_VALIDITY_MS,
  type IndexFreshness,
  type IndexSignatureCheck,
  signIndex,
  verifyIndexSignature,
} from './sign-index.js';
export {
  type ValidatedConnector,
  type ValidateOptions,
  type ValidationResult,
  validateConnectors,
} from './validate-connectors.js';
export {
  type RegistryProblem,
  type RegistryVerification,
  verifyRegistry,
} from './verify-registry.js';
export { yankVersion } from './yank-version.js';
