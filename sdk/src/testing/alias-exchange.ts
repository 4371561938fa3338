import type { JsonValue } from '../types.js';
import type { RecordedBody, RecordedRequest, RecordedResponse } from './recording-schema.js';

/**
 * Stable names for run-specific strings: `{ 'http://golden.test': 'http://127.0.0.1:43817/run-1' }`
 * keeps a local server's random port out of a fixture. Recording and matching replace the actual
 * value with its name; a replayed response gets the actual value back.
 */
export type Aliases = Readonly<Record<string, string>>;

type Direction = 'toName' | 'toActual';

export function aliasRequest(
  request: RecordedRequest,
  aliases: Aliases | undefined,
  direction: Direction,
): RecordedRequest {
  if (!aliases || Object.keys(aliases).length === 0) return request;
  const swap = swapper(aliases, direction);
  const out: RecordedRequest = {
    method: request.method,
    url: swap(request.url),
    headers: mapHeaders(request.headers, swap),
  };
  return request.body ? { ...out, body: mapBody(request.body, swap) } : out;
}

export function aliasResponse(
  response: RecordedResponse,
  aliases: Aliases | undefined,
  direction: Direction,
): RecordedResponse {
  if (!aliases || Object.keys(aliases).length === 0) return response;
  const swap = swapper(aliases, direction);
  const out: RecordedResponse = {
    status: response.status,
    headers: mapHeaders(response.headers, swap),
  };
  return response.body ? { ...out, body: mapBody(response.body, swap) } : out;
}

function swapper(aliases: Aliases, direction: Direction): (text: string) => string {
  // Longest first, so an alias that contains another is replaced whole.
  const pairs = Object.entries(aliases)
    .filter(([name, actual]) => name !== '' && actual !== '')
    .map(
      ([name, actual]) =>
        (direction === 'toName' ? [actual, name] : [name, actual]) as [string, string],
    )
    .sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((out, [from, to]) => out.split(from).join(to), text);
}

function mapHeaders(
  headers: Record<string, string>,
  swap: (text: string) => string,
): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, swap(value)]));
}

function mapBody(body: RecordedBody, swap: (text: string) => string): RecordedBody {
  if ('text' in body) return { text: swap(body.text) };
  if ('json' in body) return { json: mapJson(body.json, swap) };
  return body;
}

function mapJson(value: JsonValue, swap: (text: string) => string): JsonValue {
  if (typeof value === 'string') return swap(value);
  if (Array.isArray(value)) return value.map((item) => mapJson(item, swap));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [swap(k), mapJson(v, swap)]));
}
