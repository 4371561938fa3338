import { describe, expect, it } from 'vitest';
import { boundText, canonicalize, isJobForgeError, parseBoundedJson } from '../src/index.js';

describe('boundText', () => {
  it.each([
    ['a lone high surrogate', 'a\ud800b', 10, 'a\ufffdb'],
    ['a lone low surrogate', '\udc00', 10, '\ufffd'],
    ['a pair at the cut, kept whole', `${'x'.repeat(999)}😀tail`, 1000, `${'x'.repeat(999)}😀`],
    ['a pair past the cut, dropped whole', `${'x'.repeat(1000)}😀`, 1000, 'x'.repeat(1000)],
    ['text under the cap, as it is', 'héllo', 5, 'héllo'],
  ])('%s', (_what, text, max, expected) => {
    expect(boundText(text, max)).toBe(expected);
  });

  it('always gives text that canonicalizes, whatever units it gets', () => {
    let seed = 7;
    for (let i = 0; i < 500; i++) {
      const units = Array.from({ length: 40 }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % 65536;
      });
      const out = boundText(String.fromCharCode(...units), 1 + (i % 40));
      expect(() => canonicalize(out)).not.toThrow();
      expect([...out].length).toBeLessThanOrEqual(1 + (i % 40));
    }
  });
});

describe('parseBoundedJson', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'ok';
    } catch (error) {
      return isJobForgeError(error) ? error.code : 'THREW';
    }
  };
  it('parses what fits', () => {
    expect(parseBoundedJson('{"a":["[",{"b":"]]]"}]}', { maxBytes: 100, maxDepth: 3 })).toEqual({
      a: ['[', { b: ']]]' }],
    });
  });
  it('refuses size, depth and syntax with stable codes', () => {
    expect(code(() => parseBoundedJson('[1,2,3]', { maxBytes: 6, maxDepth: 5 }))).toBe(
      'JSON_TOO_LARGE',
    );
    expect(code(() => parseBoundedJson('[[[1]]]', { maxBytes: 99, maxDepth: 2 }))).toBe(
      'JSON_TOO_DEEP',
    );
    expect(code(() => parseBoundedJson('{"a":', { maxBytes: 99, maxDepth: 2 }))).toBe('NOT_JSON');
  });
  it('refuses a 10-million-level document in linear time, before building anything', () => {
    const deep = `${'['.repeat(10_000_000)}${']'.repeat(10_000_000)}`;
    const started = performance.now();
    expect(code(() => parseBoundedJson(deep, { maxBytes: 64e6, maxDepth: 64 }))).toBe(
      'JSON_TOO_DEEP',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });
  it('counts brackets inside strings as text, escaped quotes included', () => {
    expect(parseBoundedJson('["\\"[[[["]', { maxBytes: 99, maxDepth: 1 })).toEqual(['"[[[[']);
  });
});
