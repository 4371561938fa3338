/**
 * Where two JSON values differ, as paths (`$.items[2].price`), at most `max` of them: what a
 * replayable connector's two runs are compared by, so the failure names what changed.
 *
 * @example
 * diffOutputs({ a: 1, b: [1] }, { a: 2, b: [1, 2] }) // ['$.a', '$.b[1]']
 */
export function diffOutputs(a: unknown, b: unknown, max = 10): string[] {
  const paths: string[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (paths.length >= max) return;
    if (Object.is(x, y)) return;
    const bothArrays = Array.isArray(x) && Array.isArray(y);
    const bothObjects =
      !bothArrays &&
      typeof x === 'object' &&
      typeof y === 'object' &&
      x !== null &&
      y !== null &&
      !Array.isArray(x) &&
      !Array.isArray(y);
    if (bothArrays) {
      for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], `${path}[${i}]`);
    } else if (bothObjects) {
      const xo = x as Record<string, unknown>;
      const yo = y as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort())
        walk(xo[key], yo[key], `${path}.${key}`);
    } else paths.push(path);
  };
  walk(a, b, '$');
  return paths;
}
