import { Ajv2020 } from 'ajv/dist/2020.js';

/** Every validator the governance package compiles: all errors, unknown keywords refused, formats not checked. */
export function newAjv(options: { useDefaults?: boolean } = {}): Ajv2020 {
  return new Ajv2020({
    allErrors: true,
    // Unknown keywords and malformed schemas are refused; a `required` without `type: object`
    // is ordinary in hand-written schemas, so type strictness stays off.
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: false,
    ...(options.useDefaults ? { useDefaults: true } : {}),
  });
}
