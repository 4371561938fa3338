/**
 * Walks a connector's returned value before anything serialises it: refuses what JSON cannot carry
 * (BigInt, functions, symbols, undefined in arrays, cycles, non-finite numbers), `__proto__` keys,
 * and stops counting as soon as the encoded size would pass `maxBytes`, so a 300 MB answer is
 * refused without ever building the 300 MB string.
 */
export type OutputCheck =
  | { ok: true }
  | { ok: false; code: 'INVALID_RESULT' | 'OUTPUT_TOO_LARGE'; message: string };

const MAX_DEPTH = 200;

export function checkOutput(value: unknown, maxBytes: number): OutputCheck {
  let size = 0;
  const seen = new Set<object>();
  const fail = (code: 'INVALID_RESULT' | 'OUTPUT_TOO_LARGE', message: string): never => {
    throw { __check: true, code, message };
  };
  const add = (n: number) => {
    size += n;
    if (size > maxBytes)
      fail('OUTPUT_TOO_LARGE', `the result is larger than maxOutputBytes (${maxBytes} bytes)`);
  };
  const walk = (v: unknown, path: string, depth: number): void => {
    if (depth > MAX_DEPTH) fail('INVALID_RESULT', `${path} nests deeper than ${MAX_DEPTH} levels`);
    switch (typeof v) {
      case 'string':
        add(v.length + 2);
        return;
      case 'number':
        if (!Number.isFinite(v)) fail('INVALID_RESULT', `${path} is ${v}, which JSON cannot carry`);
        add(24);
        return;
      case 'boolean':
        add(5);
        return;
      case 'object': {
        if (v === null) {
          add(4);
          return;
        }
        if (seen.has(v)) fail('INVALID_RESULT', `${path} is a cycle`);
        seen.add(v);
        if (Array.isArray(v)) {
          add(2);
          for (let i = 0; i < v.length; i++) {
            if (v[i] === undefined) fail('INVALID_RESULT', `${path}[${i}] is undefined`);
            add(1);
            walk(v[i], `${path}[${i}]`, depth + 1);
          }
        } else {
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null)
            fail(
              'INVALID_RESULT',
              `${path} is a ${(v as object).constructor?.name ?? 'class instance'}, not a plain object`,
            );
          add(2);
          for (const key of Object.keys(v)) {
            if (key === '__proto__') fail('INVALID_RESULT', `${path} has a "__proto__" key`);
            const item = (v as Record<string, unknown>)[key];
            if (item === undefined) continue;
            add(key.length + 4);
            walk(item, `${path}.${key}`, depth + 1);
          }
        }
        seen.delete(v);
        return;
      }
      default:
        fail('INVALID_RESULT', `${path} is a ${typeof v}, which JSON cannot carry`);
    }
  };
  try {
    walk(value, '$', 0);
    return { ok: true };
  } catch (error) {
    const e = error as {
      __check?: boolean;
      code: 'INVALID_RESULT' | 'OUTPUT_TOO_LARGE';
      message: string;
    };
    if (e && e.__check === true) return { ok: false, code: e.code, message: e.message };
    return {
      ok: false,
      code: 'INVALID_RESULT',
      message: 'the result could not be read (a getter threw)',
    };
  }
}
