import { REDACTED } from '../redact.js';
import type { JsonValue } from '../types.js';
import type { RecordedBody, RecordedExchange } from './recording-schema.js';
import type { Redactor } from './redact-exchange.js';
import { findSecretInBytes, findSecretInText, type Secrets } from './secret-text.js';

/** A place in an exchange that still holds a secret. */
export interface Leak {
  /** e.g. `response.body`, `request.headers.authorization`. */
  where: string;
  /** The secret's name, or `credential header` for an Authorization or cookie value. */
  secret: string;
}

/**
 * Looks for what a recording must never hold: a declared secret in any spelling anywhere (a binary
 * body included), or a credential header whose value is not `[REDACTED]`.
 */
export function findLeak(
  exchange: RecordedExchange,
  secrets: Secrets,
  redactor: Redactor,
): Leak | undefined {
  for (const side of ['request', 'response'] as const) {
    const message = exchange[side];
    if (side === 'request') {
      const secret = findSecretInText(exchange.request.url, secrets);
      if (secret) return { where: 'request.url', secret };
    }
    for (const [name, value] of Object.entries(message.headers)) {
      const where = `${side}.headers.${name}`;
      if (redactor.isSecretHeader(name) && value !== REDACTED)
        return { where, secret: 'credential header' };
      const secret = findSecretInText(`${name}: ${value}`, secrets);
      if (secret) return { where, secret };
    }
    const secret = secretInBody(message.body, secrets);
    if (secret) return { where: `${side}.body`, secret };
  }
  return undefined;
}

function secretInBody(body: RecordedBody | undefined, secrets: Secrets): string | undefined {
  if (body === undefined) return undefined;
  if ('base64' in body) return findSecretInBytes(Buffer.from(body.base64, 'base64'), secrets);
  if ('text' in body) return findSecretInText(body.text, secrets);
  return secretInJson(body.json, secrets);
}

function secretInJson(value: JsonValue, secrets: Secrets): string | undefined {
  if (typeof value === 'string') return findSecretInText(value, secrets);
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = secretInJson(item, secrets);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findSecretInText(key, secrets) ?? secretInJson(item, secrets);
    if (found) return found;
  }
  return undefined;
}
