import type { ValidateFunction } from 'ajv/dist/2020.js';
import validateGolden from './generated/golden-schema-validator.js';
import validateJsonSchema from './generated/json-schema-validator.js';
import validateMetadata from './generated/metadata-schema-validator.js';

/** The metadata validator, compiled ahead of time (generated/metadata-schema-validator.ts). */
export function compiledMetadataValidator(): ValidateFunction {
  return validateMetadata as unknown as ValidateFunction;
}

/** The JSON Schema 2020-12 meta-schema's validator, compiled ahead of time (ajv's `validateSchema`). */
export function compiledJsonSchemaValidator(): ValidateFunction {
  return validateJsonSchema as unknown as ValidateFunction;
}

/** The golden cases validator, compiled ahead of time. */
export function compiledGoldenValidator(): ValidateFunction {
  return validateGolden as unknown as ValidateFunction;
}
