// The subpath alone: the registry's index would load the sdk (and zod) into every validate.
import { closest } from '@jobforge/registry/closest';
import type { ErrorObject } from 'ajv';
import type { Finding } from './diagnostic.js';
import type { DiagnosticCode } from './diagnostic-codes.js';

/** Turns ajv errors into findings with a code, a readable path and a fix. */
export function schemaFindings(
  errors: readonly ErrorObject[],
  file: string,
  subject = 'metadata.json',
): Finding[] {
  // anyOf/oneOf report each failed branch and then themselves; keep only the summary.
  const unions = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => e.schemaPath);
  const findings: Finding[] = [];
  for (const error of errors) {
    if (unions.some((u) => error.schemaPath.startsWith(`${u}/`))) continue;
    if (error.keyword === 'pattern' && error.params.pattern && isPropertyNamesPattern(error))
      continue; // reported by its propertyNames error, which names the key
    findings.push(toFinding(error, file, subject));
  }
  return findings;
}

function isPropertyNamesPattern(error: ErrorObject): boolean {
  return error.schemaPath.includes('/propertyNames/');
}

function toFinding(error: ErrorObject, file: string, subject: string): Finding {
  const at = readable(error.instancePath);
  const where = at ? `${at}` : `the top level of ${subject}`;
  const parent = error.parentSchema as { description?: string; properties?: object } | undefined;
  const expected = parent?.description ? ` (${parent.description.replace(/\.$/, '')})` : '';
  const found = describeValue(error.data);
  const make = (code: DiagnosticCode, message: string, pointer = error.instancePath): Finding => ({
    code,
    message,
    file,
    pointer,
  });
  switch (error.keyword) {
    case 'required': {
      const name = String(error.params.missingProperty);
      const property = (
        parent?.properties as Record<string, { description?: string }> | undefined
      )?.[name];
      return make(
        'SCHEMA_REQUIRED',
        `${where} is missing the required property "${name}"${property?.description ? ` (${property.description.replace(/\.$/, '')})` : ''}; add it`,
      );
    }
    case 'additionalProperties': {
      const name = String(error.params.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const guess = closest(name, known);
      const extension = error.instancePath === '' ? ', or prefix an extension with "x-"' : '';
      return make(
        'SCHEMA_UNKNOWN_PROPERTY',
        `${where} has an unknown property "${name}"; ${guess ? `did you mean "${guess}"? ` : ''}expected one of ${known.join(', ')}: remove it or fix its spelling${extension}`,
        `${error.instancePath}/${escapeKey(name)}`,
      );
    }
    case 'type':
      return make(
        'SCHEMA_TYPE',
        `${where} must be ${article(String(error.params.type))}, found ${found}${expected}`,
      );
    case 'enum':
    case 'const': {
      const allowed = (
        error.keyword === 'enum' ? error.params.allowedValues : [error.params.allowedValue]
      ) as unknown[];
      const guess =
        typeof error.data === 'string' ? closest(error.data, allowed.map(String)) : undefined;
      return make(
        'SCHEMA_ENUM',
        `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, found ${found}${guess ? `; did you mean "${guess}"?` : ''}`,
      );
    }
    case 'pattern':
      if (error.instancePath === '/connector_id')
        return make(
          'ID_FORMAT',
          `connector_id ${found} breaks the id rule: lower-case letters, digits and single hyphens, starting with a letter, at most 64 characters (e.g. "acme-crm"); rename it and its folder`,
        );
      if (error.instancePath.startsWith('/supported_job_types/'))
        return make(
          'JOB_TYPE_NAMESPACE',
          `job type ${found} is malformed: expected "<connector_id>.<action>" in lower case (e.g. "acme-crm.sync"); rename it`,
        );
      return make(
        'SCHEMA_INVALID',
        `${where} ${found} does not have the expected form${expected}; fix the value`,
      );
    case 'propertyNames': {
      const name = String(error.params.propertyName);
      return make(
        'SCHEMA_INVALID',
        `${where} has a key "${name}" that does not have the expected form${expected}; rename the key`,
        `${error.instancePath}/${escapeKey(name)}`,
      );
    }
    case 'anyOf':
    case 'oneOf':
      return make(
        'SCHEMA_INVALID',
        `${where} is ${found}, expected ${parent?.description ?? 'one of the allowed shapes'}; fix the value`,
      );
    default:
      return make(
        'SCHEMA_INVALID',
        `${where} ${error.message ?? 'is invalid'}, found ${found}${expected}; fix the value`,
      );
  }
}

/** "/rate_limits/burst_size" → "rate_limits.burst_size"; "/tags/0" → "tags[0]". */
export function readable(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part),
      '',
    );
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60
    ? `${typeof value} ${text.slice(0, 57)}…`
    : `${typeof value === 'string' ? '' : `${typeof value} `}${text}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
