import { REDACTED } from '../redact.js';
import type { JsonValue } from '../types.js';
import {
  ALWAYS_REDACTED_HEADERS,
  ALWAYS_REDACTED_KEYS,
  type NamePattern,
  nameMatcher,
} from './name-patterns.js';
import { isFormType } from './recorded-body.js';
import type {
  RecordedBody,
  RecordedExchange,
  RecordedRequest,
  RecordedResponse,
} from './recording-schema.js';
import { redactText, type Secrets } from './secret-text.js';

/** Names whose values are replaced in a recording, on top of the built-in credential names. */
export interface RedactOptions {
  /** Header names (requests and responses). */
  headers?: NamePattern[];
  /** Query parameter names. */
  queryKeys?: NamePattern[];
  /** Keys anywhere in a JSON body, and field names of a form body. */
  bodyKeys?: NamePattern[];
}

export interface Redactor {
  request(request: RecordedRequest): RecordedRequest;
  response(response: RecordedResponse): RecordedResponse;
  exchange(exchange: RecordedExchange): RecordedExchange;
  /** True for a header whose value a recording must never hold. */
  isSecretHeader(name: string): boolean;
}

/**
 * Builds the redaction a recording goes through before it is kept: every declared secret value
 * wherever it appears (see `redactText`), `Authorization`, `Cookie` and `Set-Cookie`, and headers,
 * query keys and body keys matching the configured or built-in credential names.
 */
export function createRedactor(secrets: Secrets, options: RedactOptions = {}): Redactor {
  const secretHeader = nameMatcher([...ALWAYS_REDACTED_HEADERS, ...(options.headers ?? [])]);
  const secretQueryKey = nameMatcher([...ALWAYS_REDACTED_KEYS, ...(options.queryKeys ?? [])]);
  const secretBodyKey = nameMatcher([...ALWAYS_REDACTED_KEYS, ...(options.bodyKeys ?? [])]);
  const text = (value: string) => redactText(value, secrets);

  const headers = (record: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(record).map(([name, value]) => [
        name,
        secretHeader(name) ? REDACTED : text(value),
      ]),
    );

  const body = (kept: RecordedBody | undefined, contentType: string | undefined) => {
    if (kept === undefined || 'base64' in kept) return kept;
    if ('json' in kept) return { json: redactJson(kept.json, secretBodyKey, text) };
    const redacted = isFormType(contentType) ? redactPairs(kept.text, secretBodyKey) : kept.text;
    return { text: text(redacted) };
  };

  const request = (req: RecordedRequest): RecordedRequest => {
    const out: RecordedRequest = {
      method: req.method,
      url: text(redactUrl(req.url, secretQueryKey)),
      headers: headers(req.headers),
    };
    const kept = body(req.body, req.headers['content-type']);
    return kept ? { ...out, body: kept } : out;
  };
  const response = (res: RecordedResponse): RecordedResponse => {
    const out: RecordedResponse = { status: res.status, headers: headers(res.headers) };
    const kept = body(res.body, res.headers['content-type']);
    return kept ? { ...out, body: kept } : out;
  };
  return {
    request,
    response,
    exchange: (exchange) => ({
      request: request(exchange.request),
      response: response(exchange.response),
    }),
    isSecretHeader: secretHeader,
  };
}

function redactUrl(url: string, secretKey: (name: string) => boolean): string {
  const hash = url.indexOf('#');
  const withoutHash = hash === -1 ? url : url.slice(0, hash);
  const query = withoutHash.indexOf('?');
  if (query === -1) return withoutHash;
  return `${withoutHash.slice(0, query)}?${redactPairs(withoutHash.slice(query + 1), secretKey)}`;
}

/** Redacts `key=value` pairs by key, keeping every other byte of the query or form as it was. */
function redactPairs(encoded: string, secretKey: (name: string) => boolean): string {
  return encoded
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      return secretKey(decodeFormPart(rawKey)) ? `${rawKey}=${REDACTED}` : pair;
    })
    .join('&');
}

export function decodeFormPart(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return part;
  }
}

function redactJson(
  value: JsonValue,
  secretKey: (name: string) => boolean,
  text: (value: string) => string,
): JsonValue {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((item) => redactJson(item, secretKey, text));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    // Only a string is replaced by key: a number or object under such a key keeps its shape.
    out[text(key)] =
      secretKey(key) && typeof item === 'string' ? REDACTED : redactJson(item, secretKey, text);
  }
  return out;
}
