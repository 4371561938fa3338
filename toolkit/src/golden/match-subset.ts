/**
 * Compares `actual` with `expected` as golden cases do: objects match when every expected key
 * matches (extra keys are fine), arrays when they have the same length and each element matches,
 * scalars when equal. Returns one line per difference, naming its path.
 */
export function matchSubset(expected: unknown, actual: unknown, path = 'data'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length)
      return [`${path}: expected ${expected.length} elements, got ${actual.length}`];
    return expected.flatMap((item, i) => matchSubset(item, actual[i], `${path}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual))
      return [`${path}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      Object.hasOwn(actual, key)
        ? matchSubset(value, (actual as Record<string, unknown>)[key], `${path}.${key}`)
        : [`${path}.${key}: expected ${show(value)}, but the key is missing`],
    );
  }
  return Object.is(expected, actual)
    ? []
    : [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

/** True when a dotted path ("claims.transformed", "rows.0.id") exists in a value. */
export function hasPath(value: unknown, path: string): boolean {
  let current = value;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part))
      return false;
    current = (current as Record<string, unknown>)[part];
  }
  return true;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON.stringify answers undefined for a function or symbol, and throws for a BigInt or a cycle.
  let text: string;
  try {
    text = JSON.stringify(value) ?? `a ${typeof value}`;
  } catch {
    text = `a ${typeof value} that is not JSON`;
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
