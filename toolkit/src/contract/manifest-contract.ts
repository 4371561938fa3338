import type { ConnectorError } from '@jobforge/sdk';
import { connectorSchemaValidator, describeSchemaErrors } from './connector-schema.js';

/** Codes the sdk's runner itself returns, which a connector need not declare in failure_modes. */
export const STANDARD_ERROR_CODES: readonly string[] = [
  'TIMEOUT',
  'ABORTED',
  'CONNECTOR_THREW',
  'INVALID_RESULT',
];

/** The parts of metadata.json the contract is derived from. */
export interface ContractManifest {
  output_schema?: unknown;
  failure_modes?: { type: string; retryable: boolean }[];
}

type Outcome = { ok: true; data: unknown } | { ok: false; error: ConnectorError };

/**
 * Checks one run's result against the manifest: data conforms to output_schema; an error uses a
 * declared failure_modes type (with the declared retryable flag) or a standard code. Returns one
 * line per broken promise, each starting `contract:`.
 */
export function checkOutcomeAgainstManifest(
  manifest: ContractManifest,
  outcome: Outcome,
): string[] {
  if (outcome.ok) {
    const schema = manifest.output_schema;
    if (typeof schema !== 'object' || schema === null) return [];
    const validate = connectorSchemaValidator(schema as Record<string, unknown>);
    if (validate(outcome.data)) return [];
    return [
      `contract: the output does not conform to output_schema: ${describeSchemaErrors(validate.errors)}; fix the connector or metadata.json's output_schema`,
    ];
  }
  return checkErrorAgainstManifest(manifest, outcome.error);
}

export function checkErrorAgainstManifest(
  manifest: ContractManifest,
  error: Pick<ConnectorError, 'code' | 'retryable'>,
): string[] {
  const declared = (manifest.failure_modes ?? []).find((mode) => mode.type === error.code);
  if (declared) {
    if (declared.retryable === error.retryable) return [];
    return [
      `contract: error ${error.code} came back with retryable ${error.retryable}, but failure_modes declares it retryable ${declared.retryable}; make them agree`,
    ];
  }
  if (STANDARD_ERROR_CODES.includes(error.code)) return [];
  const known = (manifest.failure_modes ?? []).map((mode) => mode.type).join(', ') || 'none';
  return [
    `contract: error code ${error.code} is neither a declared failure_modes type (${known}) nor a standard code (${STANDARD_ERROR_CODES.join(', ')}); declare it in metadata.json's failure_modes`,
  ];
}
