/** A generated input and what was done to make it invalid. */
export interface GeneratedInput {
  what: string;
  input: unknown;
}

type Schema = Record<string, unknown>;

/** Cap on what is generated, so a wide schema stays fast. */
const MAX_INPUTS = 200;
const MAX_DEPTH = 4;
const UNEXPECTED = '__jobforge_unexpected__';

/**
 * Inputs a JSON Schema should reject, each one step away from a valid `base`: a required property
 * removed, an unknown one added to a closed object, a value of the wrong type, a string or array
 * just outside its length bounds, a number just outside its range, a value outside an enum, a
 * non-integer for an integer. Nested objects and arrays are walked as far as `base` goes.
 *
 * @example
 * generateInvalidInputs({ type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, { a: 'x' })
 * // [{ what: 'payload is null', input: null }, …, { what: 'payload.a removed (required)', input: {} }, …]
 */
export function generateInvalidInputs(schema: Schema, base: unknown): GeneratedInput[] {
  const out: GeneratedInput[] = [];
  walk(schema, base, [], (what, replace) => out.push({ what, input: replace }), 0);
  return out.slice(0, MAX_INPUTS);
}

type Emit = (what: string, input: unknown) => void;

/** Emits variants of the whole input; `path` locates `value` inside `root`. */
function walk(
  schema: Schema,
  value: unknown,
  path: (string | number)[],
  emit: (what: string, root: unknown) => void,
  depth: number,
  root: unknown = value,
): void {
  const at = `payload${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
  const put: Emit = (what, replacement) => emit(`${at} ${what}`, setAt(root, path, replacement));
  for (const [what, candidate] of wrongValues(schema)) put(what, candidate);
  if (depth >= MAX_DEPTH) return;
  if (isObject(value) && isObject(schema.properties)) {
    const properties = schema.properties as Record<string, Schema>;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(key in value)) continue;
      const without = { ...value };
      delete without[key];
      emit(`${at}.${key} removed (required)`, setAt(root, path, without));
    }
    if (schema.additionalProperties === false)
      put(`with an unknown property ${UNEXPECTED}`, { ...value, [UNEXPECTED]: true });
    for (const [key, sub] of Object.entries(properties)) {
      if (!isObject(sub)) continue;
      const child = value[key];
      if (child === undefined) {
        // Absent in the base: probed by adding a value that breaks its own constraints.
        for (const [what, candidate] of wrongValues(sub))
          emit(`${at}.${key} ${what}`, setAt(root, path, { ...value, [key]: candidate }));
        continue;
      }
      walk(sub, child, [...path, key], emit, depth + 1, root);
    }
  }
  if (Array.isArray(value) && isObject(schema.items) && value.length > 0)
    walk(schema.items as Schema, value[0], [...path, 0], emit, depth + 1, root);
}

/** Values that break this schema's own constraints (type, bounds, enum), wherever it sits. */
function wrongValues(schema: Schema): [string, unknown][] {
  const out: [string, unknown][] = [...wrongType(schema)];
  // zod's int() bounds every integer at ±2^53-1; a bound that far out says nothing about the contract.
  const n = (key: string) => {
    const value = schema[key];
    return typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER
      ? value
      : undefined;
  };
  const minLength = n('minLength');
  const maxLength = n('maxLength');
  if (minLength !== undefined && minLength > 0)
    out.push([`shorter than minLength ${minLength}`, 'x'.repeat(minLength - 1)]);
  if (maxLength !== undefined && maxLength < 100_000)
    out.push([`longer than maxLength ${maxLength}`, 'x'.repeat(maxLength + 1)]);
  const minimum = n('minimum');
  const maximum = n('maximum');
  if (minimum !== undefined) out.push([`below minimum ${minimum}`, minimum - 1]);
  if (maximum !== undefined) out.push([`above maximum ${maximum}`, maximum + 1]);
  if (n('exclusiveMinimum') !== undefined) out.push([`at exclusiveMinimum`, n('exclusiveMinimum')]);
  if (n('exclusiveMaximum') !== undefined) out.push([`at exclusiveMaximum`, n('exclusiveMaximum')]);
  if (types(schema).includes('integer') && !types(schema).includes('number'))
    out.push(['not an integer', 1.5]);
  if (Array.isArray(schema.enum)) out.push(['outside the enum', '__jobforge_not_in_enum__']);
  const minItems = n('minItems');
  const maxItems = n('maxItems');
  if (minItems !== undefined && minItems > 0)
    out.push([`with fewer than minItems ${minItems}`, []]);
  if (maxItems !== undefined && maxItems < 10_000)
    out.push([
      `with more than maxItems ${maxItems}`,
      Array.from({ length: maxItems + 1 }, () => null),
    ]);
  return out;
}

const SAMPLES: [string, unknown][] = [
  ['string', 'not the right type'],
  ['number', 12.5],
  ['boolean', true],
  ['null', null],
  ['array', []],
  ['object', {}],
];

/** One value of a JSON type the schema does not allow (per its `type`). */
function wrongType(schema: Schema): [string, unknown][] {
  const allowed = types(schema);
  if (allowed.length === 0) return [];
  return SAMPLES.filter(([t]) => !allowed.includes(t))
    .slice(0, 2)
    .map(([t, v]) => [`of the wrong type (${t})`, v]);
}

function types(schema: Schema): string[] {
  const t = schema.type;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? (t as string[]) : [];
}

function setAt(root: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = setAt(root[head as number], rest, replacement);
    return copy;
  }
  const record = root as Record<string, unknown>;
  return { ...record, [head]: setAt(record[head as string], rest, replacement) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
