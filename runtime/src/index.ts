export type { PoolOptions, PoolStats } from './child-pool.js';
export type { CircuitOptions } from './circuit-breaker.js';
export {
  type ConnectorMetadata,
  type FailureMode,
  parseConnectorMetadata,
} from './connector-metadata.js';
export { createRuntime, DEFAULT_LIMITS } from './create-runtime.js';
export { classifyAddress } from './egress/classify-address.js';
export type { Isolation } from './isolation.js';
export {
  type ConnectorJob,
  type ConnectorJobHandler,
  createConnectorJobHandler,
} from './job-handler.js';
export {
  type ConnectorArtifact,
  type ConnectorRef,
  type PreparedConnector,
  prepareArtifact,
  prepareConnectorDir,
} from './prepare-connector.js';
export type { ConnectorStats } from './runtime-stats.js';
export type {
  RunContext,
  RunInput,
  Runtime,
  RuntimeLimits,
  RuntimeLogLine,
  RuntimeOptions,
  RuntimePolicy,
  RuntimeStatsSnapshot,
  SandboxRun,
} from './runtime-types.js';
export { sriOf } from './sri.js';
