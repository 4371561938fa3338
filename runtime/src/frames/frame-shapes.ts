/**
 * Small validators for frames a sandbox child sends. Each returns the reason a value does not fit
 * (a short, fixed text built from the path, never from the value) or undefined when it fits.
 * They read only own data properties of plain JSON values, which is all `JSON.parse` can make.
 */
export type Check = (value: unknown, path: string) => string | undefined;

export const str =
  (maxUnits: number): Check =>
  (value, path) =>
    typeof value !== 'string'
      ? `${path} must be a string`
      : value.length > maxUnits
        ? `${path} is longer than ${maxUnits} characters`
        : undefined;

export const int: Check = (value, path) =>
  Number.isSafeInteger(value) && (value as number) >= 0
    ? undefined
    : `${path} must be a non-negative integer`;

export const bool: Check = (value, path) =>
  typeof value === 'boolean' ? undefined : `${path} must be true or false`;

export const oneOf =
  (...allowed: string[]): Check =>
  (value, path) =>
    typeof value === 'string' && allowed.includes(value)
      ? undefined
      : `${path} must be one of ${allowed.join(', ')}`;

export const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? undefined : check(value, path);

/** Any JSON value whose serialised form fits in `maxBytes` (depth is bounded by the parser). */
export const json =
  (maxBytes: number): Check =>
  (value, path) =>
    JSON.stringify(value).length > maxBytes
      ? `${path} is larger than ${maxBytes} bytes`
      : undefined;

/** Any JSON value; its size is bounded by the frame and its depth by the parser. */
export const anyJson: Check = () => undefined;

export const arrayOf =
  (check: Check, maxItems: number): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array`;
    if (value.length > maxItems) return `${path} has more than ${maxItems} items`;
    for (let i = 0; i < value.length; i++) {
      const problem = check(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

export const tuple =
  (...checks: Check[]): Check =>
  (value, path) => {
    if (!Array.isArray(value) || value.length !== checks.length)
      return `${path} must be a list of ${checks.length} items`;
    for (let i = 0; i < checks.length; i++) {
      const problem = checks[i]!(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

/**
 * A plain object with exactly these keys (`?` after a name makes it optional); any other key is
 * refused, so a field the host does not know can never be read by mistake.
 */
export const object = (shape: Record<string, Check>): Check => {
  // Worked out once per shape, not once per frame: every frame from every child runs through here.
  const fields = Object.entries(shape).map(([name, check]) => ({
    key: name.endsWith('?') ? name.slice(0, -1) : name,
    optional: name.endsWith('?'),
    check,
  }));
  const known = new Set(fields.map((f) => f.key));
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return `${path} must be an object`;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record))
      if (!known.has(key)) return `${path} has an unexpected field`;
    for (const { key, optional, check } of fields) {
      if (!Object.hasOwn(record, key)) {
        if (optional) continue;
        return `${path}.${key} is missing`;
      }
      const problem = check(record[key], `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
};
