import { JobForgeError } from './errors.js';

/** Deeper nesting than this is refused rather than risking a stack overflow on hostile input. */
export const MAX_CANONICAL_DEPTH = 1000;

/** Past this many distinct keys the key-list fast path costs more than it saves. */
const MAX_KEY_LIST = 512;

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
  // Fast path: JSON.stringify already prints numbers and strings exactly as RFC 8785 requires.
  // One walk proves the value is plain JSON and collects its keys; if every object's keys are
  // already in order, JSON.stringify prints the canonical form as is, and otherwise a sorted key
  // list given as its replacer makes it emit every object's keys in that order. Anything unusual
  // goes to the exact writer below, which is also what names the path of a NOT_JSON value.
  if (!prototypesPatched()) {
    const scan: Scan = { keys: new Set(), lastKeys: [], unsorted: false, ok: true };
    scanValue(value, 0, scan);
    if (scan.ok) {
      if (!scan.unsorted) return JSON.stringify(value);
      if (scan.keys.size <= MAX_KEY_LIST && !scan.keys.has('__proto__'))
        return JSON.stringify(value, [...scan.keys].sort());
    }
  }
  return writeExact(value);
}

interface Scan {
  keys: Set<string>;
  /** The key list of the last object seen at each depth. */
  lastKeys: (string[] | undefined)[];
  unsorted: boolean;
  ok: boolean;
}

/** A toJSON on a shared prototype would change what JSON.stringify prints. */
function prototypesPatched(): boolean {
  return (
    'toJSON' in Object.prototype ||
    'toJSON' in Array.prototype ||
    'toJSON' in String.prototype ||
    'toJSON' in Number.prototype ||
    'toJSON' in Boolean.prototype
  );
}

// No cycle tracking here: a cycle runs into the depth limit, and the exact writer then names it.
function scanValue(value: unknown, depth: number, scan: Scan): void {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) scan.ok = false;
      return;
    case 'number':
      if (!Number.isFinite(value)) scan.ok = false;
      return;
    case 'boolean':
      return;
    case 'object':
      if (value === null) return;
      if (depth >= MAX_CANONICAL_DEPTH) {
        scan.ok = false;
        return;
      }
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) scan.ok = false;
        for (let i = 0; i < value.length && scan.ok; i++) scanValue(value[i], depth + 1, scan);
        return;
      }
      scanObject(value, depth, scan);
      return;
    default:
      scan.ok = false;
  }
}

function scanObject(object: object, depth: number, scan: Scan): void {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    scan.ok = false;
    return;
  }
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record);
  // Rows of an array usually share one shape: skip collecting keys already collected for it.
  const collect = scan.keys.size <= MAX_KEY_LIST && !sameKeys(scan.lastKeys[depth], keys);
  scan.lastKeys[depth] = keys;
  for (let i = 0; i < keys.length && scan.ok; i++) {
    const key = keys[i] as string;
    if (!isWellFormed(key)) scan.ok = false;
    if (i > 0 && (keys[i - 1] as string) > key) scan.unsorted = true;
    if (collect) scan.keys.add(key);
    const item = record[key];
    if (item !== undefined) scanValue(item, depth + 1, scan);
  }
}

function sameKeys(previous: string[] | undefined, keys: string[]): boolean {
  if (previous === undefined || previous.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (previous[i] !== keys[i]) return false;
  return true;
}

/** The exact writer: builds the canonical text itself and reports NOT_JSON with the path. */
function writeExact(value: unknown): string {
  try {
    return write(value, new Set<object>(), 0);
  } catch (error) {
    if (!(error instanceof NotJsonAt)) throw error;
    const where = `$${error.path.reverse().join('')}`;
    throw new JobForgeError(
      'NOT_JSON',
      `value at ${where} cannot be canonicalized: ${error.reason}`,
      { where },
    );
  }
}

/** Thrown inside the writer; each enclosing container adds its segment on the way out. */
class NotJsonAt {
  readonly path: string[] = [];
  constructor(readonly reason: string) {}
}

function write(value: unknown, seen: Set<object>, depth: number): string {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value))
        throw new NotJsonAt('a string with a lone UTF-16 surrogate is not valid I-JSON');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonAt(`${value} is not a JSON number`);
      // Number#toString is the ECMAScript shortest round-trip form RFC 8785 requires; -0 prints "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return writeContainer(value, seen, depth);
    case 'undefined':
      throw new NotJsonAt('undefined is not a JSON value');
    case 'bigint':
      throw new NotJsonAt('a BigInt is not a JSON value; convert it to a string or number first');
    default:
      throw new NotJsonAt(`a ${typeof value} is not a JSON value`);
  }
}

function writeContainer(value: object, seen: Set<object>, depth: number): string {
  if (depth >= MAX_CANONICAL_DEPTH)
    throw new NotJsonAt(`nesting deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (seen.has(value)) throw new NotJsonAt('a cycle: this value contains itself');
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += writeChild(value[i], seen, depth, `[${i}]`);
    }
    out += ']';
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new NotJsonAt(`a ${kind} is not a plain object; convert it to plain JSON first`);
    }
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, exactly the order RFC 8785 prescribes.
    const keys = Object.keys(record).sort();
    out = '{';
    let first = true;
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      if (!isWellFormed(key))
        throw withSegment(new NotJsonAt('a key with a lone UTF-16 surrogate'), memberPath(key));
      if (!first) out += ',';
      first = false;
      out += JSON.stringify(key);
      out += ':';
      out += writeChild(item, seen, depth, memberPath(key));
    }
    out += '}';
  }
  seen.delete(value);
  return out;
}

function writeChild(item: unknown, seen: Set<object>, depth: number, segment: string): string {
  try {
    return write(item, seen, depth + 1);
  } catch (error) {
    throw error instanceof NotJsonAt ? withSegment(error, segment) : error;
  }
}

function withSegment(error: NotJsonAt, segment: string): NotJsonAt {
  error.path.push(segment);
  return error;
}

function memberPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isWellFormed(text: string): boolean {
  // String#isWellFormed is in every Node this package supports (20+); the typings lag behind.
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
