import type { JsonValue } from '../types.js';
import { type BodyPath, parseBodyPath, withoutPath } from './body-path.js';
import { type NamePattern, nameMatcher } from './name-patterns.js';
import { isFormType } from './recorded-body.js';
import type { RecordedBody, RecordedRequest } from './recording-schema.js';
import { decodeFormPart } from './redact-exchange.js';

/** What a replayed request may differ in and still match a recorded one. */
export interface MatchOptions {
  /** Headers not compared (on top of transport headers such as user-agent). */
  ignoreHeaders?: NamePattern[];
  /** Query parameters not compared. */
  ignoreQuery?: NamePattern[];
  /** JSON body paths not compared: `sent_at`, `meta.nonce`, `items.*.id`; form field names. */
  ignoreBodyPaths?: string[];
}

/** One way a request differs from a recorded one. */
export interface RequestDifference {
  /** e.g. `method`, `url.path`, `query.page`, `headers.x-nonce`, `body.items[0].id`. */
  field: string;
  recorded: string;
  actual: string;
}

/** Set by the fetch implementation or the platform, never by the connector's own logic. */
const TRANSPORT_HEADERS: NamePattern[] = [
  'user-agent',
  'accept-encoding',
  'accept-language',
  'content-length',
  'host',
  'connection',
  'traceparent',
  'tracestate',
];

const ABSENT = '(absent)';

/** Compares a request with a recorded one, field by field; no differences means they match. */
export function diffRequest(
  recorded: RecordedRequest,
  actual: RecordedRequest,
  options: MatchOptions = {},
): RequestDifference[] {
  const out: RequestDifference[] = [];
  const add = (field: string, was: string, now: string) => {
    if (was !== now) out.push({ field, recorded: clip(was), actual: clip(now) });
  };
  add('method', recorded.method, actual.method);
  const [wasUrl, nowUrl] = [splitUrl(recorded.url), splitUrl(actual.url)];
  add('url.path', wasUrl.base, nowUrl.base);
  const ignoredQuery = nameMatcher(options.ignoreQuery ?? []);
  diffPairs('query', wasUrl.query, nowUrl.query, ignoredQuery, add);
  const ignoredHeader = nameMatcher([...TRANSPORT_HEADERS, ...(options.ignoreHeaders ?? [])]);
  diffPairs(
    'headers',
    Object.entries(recorded.headers),
    Object.entries(actual.headers),
    ignoredHeader,
    add,
  );
  const ignoredPaths = (options.ignoreBodyPaths ?? []).map(parseBodyPath);
  diffBodies(recorded, actual, ignoredPaths, add);
  return out;
}

type Add = (field: string, recorded: string, actual: string) => void;

function splitUrl(url: string): { base: string; query: [string, string][] } {
  const withoutHash = url.split('#')[0] as string;
  const mark = withoutHash.indexOf('?');
  if (mark === -1) return { base: withoutHash, query: [] };
  return { base: withoutHash.slice(0, mark), query: formPairs(withoutHash.slice(mark + 1)) };
}

function formPairs(encoded: string): [string, string][] {
  return encoded
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1
        ? [decodeFormPart(pair), '']
        : [decodeFormPart(pair.slice(0, eq)), decodeFormPart(pair.slice(eq + 1))];
    });
}

/** Compares name/value lists as multimaps: order between names does not matter. */
function diffPairs(
  prefix: string,
  recorded: [string, string][],
  actual: [string, string][],
  ignored: (name: string) => boolean,
  add: Add,
): void {
  const group = (pairs: [string, string][]) => {
    const map = new Map<string, string[]>();
    for (const [name, value] of pairs) {
      if (ignored(name)) continue;
      map.set(name, [...(map.get(name) ?? []), value]);
    }
    return map;
  };
  const [was, now] = [group(recorded), group(actual)];
  for (const name of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const show = (values: string[] | undefined) =>
      values === undefined ? ABSENT : values.map((v) => JSON.stringify(v)).join(', ');
    add(`${prefix}.${name}`, show(was.get(name)), show(now.get(name)));
  }
}

function diffBodies(
  recorded: RecordedRequest,
  actual: RecordedRequest,
  ignored: BodyPath[],
  add: Add,
): void {
  const was = comparableBody(recorded.body, recorded.headers['content-type'], ignored);
  const now = comparableBody(actual.body, actual.headers['content-type'], ignored);
  diffJson('body', was, now, add);
}

/** A body as a JSON value to compare: a form becomes an object of its fields. */
function comparableBody(
  body: RecordedBody | undefined,
  contentType: string | undefined,
  ignored: BodyPath[],
): JsonValue | undefined {
  if (body === undefined) return undefined;
  if ('base64' in body) return { base64: body.base64 };
  let value: JsonValue;
  if ('json' in body) value = body.json;
  else if (isFormType(contentType)) value = Object.fromEntries(formPairs(body.text));
  else return body.text;
  for (const path of ignored) value = withoutPath(value, path);
  return value;
}

function diffJson(
  field: string,
  was: JsonValue | undefined,
  now: JsonValue | undefined,
  add: Add,
): void {
  const bothObjects =
    typeof was === 'object' && was !== null && typeof now === 'object' && now !== null;
  if (!bothObjects || Array.isArray(was) !== Array.isArray(now)) {
    add(field, show(was), show(now));
    return;
  }
  if (Array.isArray(was) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(was.length, now.length); i++)
      diffJson(`${field}[${i}]`, was[i], now[i], add);
    return;
  }
  const [a, b] = [was as Record<string, JsonValue>, now as Record<string, JsonValue>];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
    diffJson(
      /^[A-Za-z_$][\w$]*$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`,
      a[key],
      b[key],
      add,
    );
}

function show(value: JsonValue | undefined): string {
  return value === undefined ? ABSENT : JSON.stringify(value);
}

/** Compared in full, shown cut: a diff line stays readable for a large body. */
function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
