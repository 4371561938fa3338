import { describe, expect, it } from 'vitest';
import { lineColumn, parseJsonPositions } from '../src/index.js';

describe('parseJsonPositions', () => {
  it.each([
    ['{"a": 1, "b": [true, null, "x\\u00e9\\n"], "c": {"d": -1.5e3}}'],
    ['[]'],
    ['"just a string"'],
    ['  0  '],
    ['{"__proto__": {"polluted": true}}'],
  ])('parses %s exactly as JSON.parse does', (text) => {
    const result = parseJsonPositions(text);
    expect(result.problem).toBeUndefined();
    expect(result.value).toEqual(JSON.parse(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a": 1,}', 1, 9, /trailing comma/],
    ['{"a" 1}', 1, 6, /expected ':'/],
    ['{\n  "a": tru\n}', 2, 8, /expected a value/],
    ['[1, 2', 1, 1, /unterminated array/],
    ['{"a": "b\nc"}', 1, 9, /control character/],
    ['{"a": 1} x', 1, 10, /after the end/],
    ['', 1, 1, /the end of the file/],
    ["{'a': 1}", 1, 2, /double quotes/],
    ['{"a": 01}', 1, 8, /expected ',' or '}'/],
  ])('reports %j at line %i, column %i', (text, line, column, message) => {
    const { problem } = parseJsonPositions(text);
    expect(problem?.message).toMatch(message);
    expect(lineColumn(text, problem!.offset)).toEqual({ line, column });
  });

  it('reports every duplicate key with both positions and its pointer', () => {
    const text = '{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}';
    const { duplicates, value } = parseJsonPositions(text, { track: true });
    expect(duplicates.map((d) => [d.pointer, d.offset, d.firstOffset])).toEqual([
      ['/b/c', 23, 15],
      ['/a', 32, 1],
    ]);
    expect(value).toEqual(JSON.parse(text)); // the last one wins, as in JSON.parse
    // Without tracking, the same duplicates and pointers, but no first offsets.
    expect(parseJsonPositions(text).duplicates.map((d) => [d.pointer, d.offset])).toEqual([
      ['/b/c', 23],
      ['/a', 32],
    ]);
  });

  it('records the position of every pointer when asked', () => {
    const text = '{\n  "a/b": [10, {"~k": true}]\n}';
    const { positions } = parseJsonPositions(text, { track: true });
    expect(positions?.get('/a~1b')).toEqual({ key: 4, value: 11 });
    expect(positions?.get('/a~1b/1/~0k')).toMatchObject({ key: 17, value: 23 });
  });

  it('stops at the depth limit instead of overflowing the stack', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    const { problem } = parseJsonPositions(text, { maxDepth: 50 });
    expect(problem).toMatchObject({ kind: 'too_deep', offset: 50 });
  });
});
