import type { JsonObject } from '@jobforge/sdk';
import type { ConnectorMetadata } from './connector-metadata.js';
import type { Isolation } from './isolation.js';
import type { RuntimeLimits, RuntimePolicy } from './runtime-types.js';

/** Failures that say the sandbox or the connector's process went wrong (counted by the circuit). */
const SANDBOX_FAULTS = new Set([
  'TIMEOUT',
  'CONNECTOR_CRASHED',
  'RESOURCE_EXHAUSTED',
  'OUTPUT_TOO_LARGE',
  'PROTOCOL_ERROR',
  'CONNECTOR_LOAD_FAILED',
]);

/** The policy recorded in every evidence packet: isolation in force, limits, network, secret names. */
export function policyOf(
  isolation: Isolation,
  limits: RuntimeLimits,
  policy: RuntimePolicy,
  meta: ConnectorMetadata,
  timeoutMs: number,
): JsonObject {
  return {
    isolation: {
      network: isolation.network,
      uid: isolation.uidBase === null ? 'host' : 'dedicated',
      memory: isolation.memory,
      permission_model: isolation.permissionFlag,
    },
    limits: {
      timeout_ms: timeoutMs,
      memory_mb: limits.memoryMb,
      max_output_bytes: limits.maxOutputBytes,
      max_input_bytes: limits.maxInputBytes,
    },
    network: {
      allow: meta.permissions.network,
      allow_private_addresses: policy.allowPrivateAddresses ?? [],
    },
    secrets: meta.permissions.secrets,
  };
}

/** The secrets a call receives: exactly the names the metadata declares, nothing else. */
export function declaredSecrets(
  meta: ConnectorMetadata,
  given: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of meta.permissions.secrets) {
    const value = given?.[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

export function hasCircuit(meta: ConnectorMetadata): boolean {
  return meta.failure_modes.some((m) => m.circuit_breaker);
}

/** Whether a failure counts towards opening the circuit. */
export function countsForCircuit(meta: ConnectorMetadata, code: string): boolean {
  return (
    SANDBOX_FAULTS.has(code) || meta.failure_modes.some((m) => m.type === code && m.circuit_breaker)
  );
}
