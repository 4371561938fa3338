// `@jobforge/registry/client`: what a host app needs to load connectors from a registry, and nothing
// of the build. Its import graph is the sdk, semver, the generated index validator and node built-ins
// (a test keeps it that way), so a host installs neither the author toolkit nor ajv.
export type { FetchedConnector } from './connector-ref.js';
export type { IndexConnector, IndexVersion, RegistryIndex } from './index-format.js';
export type { TrustOptions } from './load-index.js';
export {
  createRegistryClient,
  type FetchedArtifact,
  type RegistryClient,
  type RegistryClientOptions,
} from './registry-client.js';
export type { HostOffer, ResolveOptions } from './resolve-version.js';
