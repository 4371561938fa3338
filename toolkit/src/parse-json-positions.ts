/** Where a key or value starts in the text (UTF-16 offsets). */
export interface JsonPosition {
  /** Offset of the property name, for object members. */
  key?: number;
  value: number;
}

export interface JsonParseProblem {
  kind: 'syntax' | 'too_deep';
  message: string;
  offset: number;
}

export interface DuplicateKey {
  pointer: string;
  key: string;
  offset: number;
  /** Offset of the key's first occurrence; -1 unless parsed with `track`. */
  firstOffset: number;
}

export interface JsonParseResult {
  /** The parsed value; undefined when `problem` is set. */
  value: unknown;
  problem?: JsonParseProblem;
  duplicates: DuplicateKey[];
  /** Set when `track` was asked for: the position of every pointer in the document. */
  positions?: Map<string, JsonPosition>;
}

export interface ParseJsonOptions {
  /** Deepest nesting accepted; deeper input is reported, never recursed into. Default 128. */
  maxDepth?: number;
  /** Record every pointer's position (slower; used to place diagnostics). */
  track?: boolean;
}

const SPECIAL = /[\\\u0000-\u001f]/;

class Stop extends Error {
  constructor(readonly problem: JsonParseProblem) {
    super(problem.message);
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * A strict JSON (RFC 8259) parser that, unlike JSON.parse, reports where things are: the exact
 * offset of a syntax error, every duplicate key, and on request the position of every pointer.
 * Nesting is capped so hostile input cannot exhaust the stack. Duplicate keys keep the last value,
 * as JSON.parse does; "__proto__" becomes an own property, as JSON.parse does.
 */
export function parseJsonPositions(text: string, options: ParseJsonOptions = {}): JsonParseResult {
  const maxDepth = options.maxDepth ?? 128;
  const positions = options.track ? new Map<string, JsonPosition>() : undefined;
  const duplicates: DuplicateKey[] = [];
  const path: (string | number)[] = [];
  const pathPointer = (last: string): string =>
    [...path, last].map((part) => `/${escapePointer(String(part))}`).join('');
  let i = 0;

  const fail = (message: string, at = i, kind: JsonParseProblem['kind'] = 'syntax'): never => {
    throw new Stop({ kind, message, offset: at });
  };
  const describe = (at: number): string =>
    at >= text.length ? 'the end of the file' : JSON.stringify(text[at]);
  const skipSpace = (): void => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };

  const parseString = (): string => {
    // Fast path: most strings have no escape and no control character, so one native scan finds them.
    const close = text.indexOf('"', i + 1);
    if (close !== -1) {
      const raw = text.slice(i + 1, close);
      if (!SPECIAL.test(raw)) {
        i = close + 1;
        return raw;
      }
    }
    const start = i;
    i++; // opening quote
    let out = '';
    let chunk = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string: expected a closing "', start);
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in a string: escape it (e.g. \\n)');
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape: expected 4 hex digits');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          i += 2;
        } else {
          fail(`invalid escape \\${e ?? ''} in a string`);
        }
        chunk = i;
        continue;
      }
      i++;
    }
  };

  const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  const parseNumber = (): number => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m || m[0] === '-' || m[0] === '') fail(`expected a value, found ${describe(i)}`);
    i += m![0].length;
    return Number(m![0]);
  };

  const literal = (word: string, value: unknown): unknown => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail(`expected a value, found ${describe(i)}`);
  };

  const parseValue = (pointer: string, depth: number): unknown => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (positions) {
      const known = positions.get(pointer);
      positions.set(pointer, known ? { ...known, value: i } : { value: i });
    }
    if (c === 123 || c === 91) {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth} levels`, i, 'too_deep');
      return c === 123 ? parseObject(pointer, depth + 1) : parseArray(pointer, depth + 1);
    }
    if (c === 34) return parseString();
    if (c === 116) return literal('true', true);
    if (c === 102) return literal('false', false);
    if (c === 110) return literal('null', null);
    return parseNumber();
  };

  const parseObject = (pointer: string, depth: number): Record<string, unknown> => {
    const start = i;
    i++;
    const object: Record<string, unknown> = {};
    skipSpace();
    if (text.charCodeAt(i) === 125) {
      i++;
      return object;
    }
    for (;;) {
      skipSpace();
      if (text.charCodeAt(i) !== 34)
        fail(
          text.charCodeAt(i) === 125
            ? 'trailing comma before }: remove it'
            : `expected a property name in double quotes, found ${describe(i)}`,
        );
      const keyAt = i;
      const key = parseString();
      // Pointers are built only when tracking; otherwise the path stack names a duplicate on demand.
      const child = positions ? `${pointer}/${escapePointer(key)}` : '';
      if (Object.hasOwn(object, key))
        duplicates.push({
          pointer: positions ? child : pathPointer(key),
          key,
          offset: keyAt,
          firstOffset: positions?.get(child)?.key ?? -1,
        });
      if (positions) positions.set(child, { key: keyAt, value: keyAt });
      skipSpace();
      if (text.charCodeAt(i) !== 58)
        fail(`expected ':' after the property name, found ${describe(i)}`);
      i++;
      path.push(key);
      const value = parseValue(child, depth);
      path.pop();
      if (key === '__proto__')
        Object.defineProperty(object, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else object[key] = value;
      skipSpace();
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 125) {
        i++;
        return object;
      }
      if (i >= text.length) fail('unterminated object: expected }', start);
      fail(`expected ',' or '}' after a property value, found ${describe(i)}`);
    }
  };

  const parseArray = (pointer: string, depth: number): unknown[] => {
    const start = i;
    i++;
    const array: unknown[] = [];
    skipSpace();
    if (text.charCodeAt(i) === 93) {
      i++;
      return array;
    }
    for (;;) {
      skipSpace();
      if (text.charCodeAt(i) === 93) fail('trailing comma before ]: remove it');
      path.push(array.length);
      array.push(parseValue(positions ? `${pointer}/${array.length}` : '', depth));
      path.pop();
      skipSpace();
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 93) {
        i++;
        return array;
      }
      if (i >= text.length) fail('unterminated array: expected ]', start);
      fail(`expected ',' or ']' after an array element, found ${describe(i)}`);
    }
  };

  try {
    const value = parseValue('', 0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return positions ? { value, duplicates, positions } : { value, duplicates };
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return positions
      ? { value: undefined, problem: error.problem, duplicates, positions }
      : { value: undefined, problem: error.problem, duplicates };
  }
}

function escapePointer(key: string): string {
  return key.includes('~') || key.includes('/')
    ? key.replace(/~/g, '~0').replace(/\//g, '~1')
    : key;
}
