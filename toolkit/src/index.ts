export { analyzeEntries, type EntryFacts } from './analyze-entries.js';
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
  type GoldenMetadata,
  type GoldenRunSession,
  type RunGoldenOptions,
  runGoldenCases,
} from './golden/run-golden-cases.js';
export { runGoldenFile } from './golden/run-golden-file.js';
export { importEntry } from './import-entry.js';
export { lineColumn } from './line-column.js';
export {
  type JsonParseResult,
  type JsonPosition,
  parseJsonPositions,
} from './parse-json-positions.js';
export { DEFAULT_INDEX_DIR, type PublishedIndex, readPublishedIndex } from './published-index.js';
export {
  DOCS_TEMPLATES_DIR,
  docsDrift,
  type RenderDocsOptions,
  renderDocs,
  writeDocs,
} from './render-docs.js';
export {
  type InitProjectOptions,
  type InitProjectResult,
  initProject,
} from './scaffold/init-project.js';
export { findJobforgeWorkspace, JOBFORGE_VERSION } from './scaffold/project-kind.js';
export {
  AUTH_CHOICES,
  type AuthChoice,
  checkScaffoldAnswers,
  type ScaffoldAnswers,
} from './scaffold/scaffold-answers.js';
export { type ScaffoldResult, scaffoldConnector } from './scaffold/scaffold-connector.js';
export { GOLDEN_SCHEMA, METADATA_AJV_OPTIONS, METADATA_SCHEMA } from './schema-documents.js';
export { type SchemaRow, schemaRows } from './schema-rows.js';
export {
  type ValidatedConnector,
  type ValidateOptions,
  type ValidationResult,
  validateConnectors,
} from './validate-connectors.js';
