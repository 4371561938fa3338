import { isObject, type Rule } from './connector-check.js';
import type { Finding } from './diagnostic.js';
import { compiledJsonSchemaValidator } from './metadata-schema.js';
import { readable } from './schema-findings.js';

export const burstRule: Rule = ({ folder, meta }) => {
  const limits = meta.rate_limits;
  if (!isObject(limits)) return [];
  const { requests_per_second: rps, burst_size: burst } = limits;
  if (typeof rps !== 'number' || typeof burst !== 'number' || burst >= rps) return [];
  return [
    {
      code: 'RATE_LIMIT_BURST',
      message: `rate_limits.burst_size is ${burst}, below requests_per_second (${rps}); a burst must allow at least one second of traffic: set burst_size to ${Math.ceil(rps)} or more`,
      file: folder.file,
      pointer: '/rate_limits/burst_size',
    },
  ];
};

export const authRule: Rule = ({ folder, meta }) => {
  const auth = meta.auth;
  if (!isObject(auth) || typeof auth.required !== 'boolean' || !Array.isArray(auth.methods))
    return [];
  const found = (message: string, pointer: string): Finding[] => [
    { code: 'AUTH_INCONSISTENT', message, file: folder.file, pointer },
  ];
  if (auth.required && auth.methods.length === 0)
    return found(
      'auth.required is true but auth.methods is empty; list the accepted methods (e.g. ["api_key"]) or set required to false',
      '/auth/methods',
    );
  if (!auth.required && auth.methods.length > 0)
    return found(
      `auth.required is false but auth.methods lists ${auth.methods.map((m) => JSON.stringify(m)).join(', ')}; set required to true, or empty methods if the connector needs no credentials`,
      '/auth/required',
    );
  if (auth.required && auth.credentials_storage === 'none')
    return found(
      'auth.required is true but auth.credentials_storage is "none"; say where the host keeps the credentials ("secrets" or "vault")',
      '/auth/credentials_storage',
    );
  return [];
};

export const retryRule: Rule = ({ folder, meta }) => {
  if (!Array.isArray(meta.failure_modes)) return [];
  const findings: Finding[] = [];
  meta.failure_modes.forEach((mode, index) => {
    if (!isObject(mode)) return;
    const strategy = mode.retry_strategy;
    if (typeof strategy !== 'string' || strategy === 'none' || mode.max_retries !== undefined)
      return;
    findings.push({
      code: 'RETRY_WITHOUT_MAX',
      message: `failure_modes[${index}] (${String(mode.type)}) retries with "${strategy}" but has no max_retries, so it could retry forever; add "max_retries" (e.g. 3)`,
      file: folder.file,
      pointer: `/failure_modes/${index}`,
    });
  });
  return findings;
};

/** input_schema and output_schema must be JSON Schemas (checked against the 2020-12 meta-schema). */
export const ioSchemaRule: Rule = ({ folder, meta }) => {
  const findings: Finding[] = [];
  for (const key of ['input_schema', 'output_schema'] as const) {
    const schema = meta[key];
    if (!isObject(schema)) continue;
    const validate = compiledJsonSchemaValidator();
    if (validate(schema) === true) continue;
    const errors = validate.errors ?? [];
    const first = errors.find((e) => e.keyword !== 'anyOf') ?? errors[0];
    const inner = first?.instancePath ?? '';
    findings.push({
      code: 'IO_SCHEMA_INVALID',
      message: `${key}${inner ? `.${readable(inner)}` : ''} is not a valid JSON Schema: ${first?.message ?? 'invalid'}${first?.data !== undefined ? `, found ${JSON.stringify(first.data)}` : ''}; fix it (see https://json-schema.org/draft/2020-12)`,
      file: folder.file,
      pointer: `/${key}${inner}`,
    });
  }
  return findings;
};
