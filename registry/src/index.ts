export { type ArtifactCache, artifactCache, type CacheLookup } from './artifact-cache.js';
export {
  type BuildRegistryOptions,
  type BuildRegistryResult,
  buildRegistry,
} from './build-index.js';
export type { BuildConnector, BuildDiagnostic, BuildValidator } from './build-validation.js';
export { type Bundle, type BundleRequest, bundleConnectors } from './bundle-connectors.js';
export { closest } from './closest.js';
export { connectorRef, type FetchedConnector } from './connector-ref.js';
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
export { type LoadedIndex, loadIndex, type TrustOptions } from './load-index.js';
export { parseIndex } from './parse-index.js';
export { findStrays, type RegistryDirState, readRegistryDir } from './read-registry-dir.js';
export {
  createRegistryClient,
  type FetchedArtifact,
  type RegistryClient,
  type RegistryClientOptions,
} from './registry-client.js';
export { openRegistrySource, type RegistrySource, type SourceRead } from './registry-source.js';
export {
  type HostOffer,
  parseSpec,
  type Resolution,
  type ResolveOptions,
  resolveVersion,
} from './resolve-version.js';
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
  type RegistryProblem,
  type RegistryVerification,
  verifyRegistry,
} from './verify-registry.js';
export { yankVersion } from './yank-version.js';
