export { analyzeEntries, type EntryFacts } from './analyze-entries.js';
export { type Diagnostic, toPointer } from './diagnostic.js';
export { DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from './diagnostic-codes.js';
export { type ConnectorFolder, discoverConnectors } from './discover-connectors.js';
export { GOLDEN_FILE } from './file-rules.js';
export { generateTypes } from './generate-types.js';
export type { GoldenCases } from './generated/golden.js';
export type { ConnectorMetadata } from './generated/metadata.js';
export { lineColumn } from './line-column.js';
export { GOLDEN_SCHEMA, METADATA_SCHEMA } from './metadata-schema.js';
export {
  type JsonParseResult,
  type JsonPosition,
  parseJsonPositions,
} from './parse-json-positions.js';
export { DEFAULT_INDEX_DIR, type PublishedIndex, readPublishedIndex } from './published-index.js';
export {
  type ValidatedConnector,
  type ValidateOptions,
  type ValidationResult,
  validateConnectors,
} from './validate-connectors.js';
