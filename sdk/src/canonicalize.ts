import { JobForgeError } from './errors.js';

/** Deeper nesting than this is refused rather than risking a stack overflow on hostile input. */
export const MAX_CANONICAL_DEPTH = 1000;

/**
 * Serialises a JSON value in the RFC 8785 JSON Canonicalization Scheme: object keys sorted by UTF-16
 * code units, no whitespace, numbers in ECMAScript shortest form, strings escaped as JSON.stringify.
 *
 * Only values JSON can carry are accepted; anything else (undefined in an array, a function, NaN,
 * Infinity, a BigInt, a cycle, a Date, Map or class instance, a lone surrogate) throws a
 * `JobForgeError` with code `NOT_JSON` naming the path, e.g. `$.items[2].price`. A property whose
 * value is `undefined` is omitted, as JSON.stringify does.
 *
 * @example
 * canonicalize({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalize(value: unknown): string {
  const seen = new Set<object>();
  return write(value, seen, 0, () => '$');
}

type PathOf = () => string;

function write(value: unknown, seen: Set<object>, depth: number, path: PathOf): string {
  switch (typeof value) {
    case 'string':
      if (hasLoneSurrogate(value))
        notJson(path, 'a string with a lone UTF-16 surrogate is not valid I-JSON');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) notJson(path, `${value} is not a JSON number`);
      // Number#toString is the ECMAScript shortest round-trip form RFC 8785 requires; -0 prints "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, seen, depth, path);
    case 'undefined':
      return notJson(path, 'undefined is not a JSON value');
    case 'bigint':
      return notJson(path, 'a BigInt is not a JSON value; convert it to a string or number first');
    default:
      return notJson(path, `a ${typeof value} is not a JSON value`);
  }
}

function writeContainer(value: object, seen: Set<object>, depth: number, path: PathOf): string {
  if (depth >= MAX_CANONICAL_DEPTH)
    notJson(path, `nesting deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (seen.has(value)) notJson(path, 'a cycle: this value contains itself');
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], seen, depth + 1, () => `${path()}[${i}]`);
    }
    out += ']';
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      notJson(path, `a ${kind} is not a plain object; convert it to plain JSON first`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly the order RFC 8785 prescribes.
    const keys = Object.keys(record).sort();
    out = '{';
    let first = true;
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      if (hasLoneSurrogate(key))
        notJson(() => `${path()}${memberPath(key)}`, 'a key with a lone UTF-16 surrogate');
      if (!first) out += ',';
      first = false;
      out += JSON.stringify(key);
      out += ':';
      out += write(item, seen, depth + 1, () => `${path()}${memberPath(key)}`);
    }
    out += '}';
  }
  seen.delete(value);
  return out;
}

function memberPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(text: string): boolean {
  // isWellFormed is Node 20+; the regex is the fallback for older engines and typings.
  const wellFormed = (text as { isWellFormed?: () => boolean }).isWellFormed;
  return wellFormed ? !wellFormed.call(text) : LONE_SURROGATE.test(text);
}

function notJson(path: PathOf, reason: string): never {
  const where = path();
  throw new JobForgeError('NOT_JSON', `value at ${where} cannot be canonicalized: ${reason}`, {
    where,
  });
}
