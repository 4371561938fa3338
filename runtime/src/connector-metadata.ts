import { JobForgeError } from '@jobforge/sdk';

/** The parts of metadata.json the runtime acts on; everything else is the registry's business. */
export interface ConnectorMetadata {
  connector_id: string;
  version: string;
  entry: string;
  supported_job_types: string[];
  permissions: { network: string[]; secrets: string[] };
  rate_limits: { requests_per_second: number; burst_size: number } | null;
  failure_modes: FailureMode[];
}

export interface FailureMode {
  type: string;
  retryable: boolean;
  max_retries: number;
  circuit_breaker: boolean;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * Checks what the runtime needs from untrusted metadata and fills defaults: a connector that
 * declares no permissions gets none. Throws `INVALID_METADATA` naming the field.
 */
export function parseConnectorMetadata(raw: unknown, where: string): ConnectorMetadata {
  const fail = (field: string, expected: string): never => {
    throw new JobForgeError('INVALID_METADATA', `${where}: ${field} must be ${expected}`, {
      where: `${where}#/${field}`,
      hint: 'run `jobforge validate` for every problem',
    });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    fail('the document', 'a JSON object');
  const m = raw as Record<string, unknown>;
  if (typeof m.connector_id !== 'string' || !ID.test(m.connector_id))
    fail('connector_id', 'a lower-case id such as "echo"');
  if (typeof m.version !== 'string' || !/^\d+\.\d+\.\d+/.test(m.version))
    fail('version', 'a semver string');
  const entry = m.entry ?? 'src/index.ts';
  if (typeof entry !== 'string') fail('entry', 'a relative path');
  const strings = (value: unknown, field: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      fail(field, 'an array of strings');
    return value as string[];
  };
  const permissions = (m.permissions ?? {}) as Record<string, unknown>;
  if (typeof permissions !== 'object' || permissions === null) fail('permissions', 'an object');
  const limits = m.rate_limits as Record<string, unknown> | undefined;
  let rate: ConnectorMetadata['rate_limits'] = null;
  if (limits !== undefined) {
    const rps = limits?.requests_per_second;
    if (typeof rps !== 'number' || !(rps > 0))
      fail('rate_limits/requests_per_second', 'a positive number');
    const burst = limits.burst_size ?? rps;
    if (typeof burst !== 'number' || !(burst >= 1)) fail('rate_limits/burst_size', 'a number ≥ 1');
    rate = { requests_per_second: rps as number, burst_size: burst as number };
  }
  const modes = m.failure_modes ?? [];
  if (!Array.isArray(modes)) fail('failure_modes', 'an array');
  const failure_modes = (modes as unknown[]).map((mode, i): FailureMode => {
    const f = mode as Record<string, unknown>;
    if (typeof f !== 'object' || f === null || typeof f.type !== 'string')
      fail(`failure_modes/${i}/type`, 'an error code string');
    const retries = f.max_retries ?? 0;
    if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > 10)
      fail(`failure_modes/${i}/max_retries`, 'an integer from 0 to 10');
    return {
      type: f.type as string,
      retryable: f.retryable === true,
      max_retries: retries as number,
      circuit_breaker: f.circuit_breaker === true,
    };
  });
  return {
    connector_id: m.connector_id as string,
    version: m.version as string,
    entry: entry as string,
    supported_job_types: strings(m.supported_job_types, 'supported_job_types'),
    permissions: {
      network: strings(permissions.network, 'permissions/network'),
      secrets: strings(permissions.secrets, 'permissions/secrets'),
    },
    rate_limits: rate,
    failure_modes,
  };
}
