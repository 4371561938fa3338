import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

let ajv: Ajv2020 | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/**
 * A validator for a connector's own input_schema or output_schema. Lenient about unknown keywords
 * (descriptions, vendor extensions): the metadata checks already judged the schema itself.
 */
export function connectorSchemaValidator(schema: Record<string, unknown>): ValidateFunction {
  ajv ??= new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/** `/length must be integer; (root) must have required property 'message'` */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}
