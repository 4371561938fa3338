/** One documented field of a JSON Schema: a row of the docs' input and output tables. */
export interface SchemaRow {
  field: string;
  type: string;
  required: boolean;
  description: string;
}

type Schema = Record<string, unknown>;

/**
 * Flattens an object schema's properties into rows, nested objects as `a.b` and array items as
 * `a[]`, to a bounded depth so a hostile schema cannot blow up a page.
 */
export function schemaRows(schema: unknown, prefix = '', depth = 0): SchemaRow[] {
  if (!isSchema(schema) || depth > 4) return [];
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const rows: SchemaRow[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (!isSchema(value)) continue;
    const field = `${prefix}${name}`;
    rows.push({
      field,
      type: typeOf(value),
      required: required.includes(name),
      description: describe(value),
    });
    if (isSchema(value.properties)) rows.push(...schemaRows(value, `${field}.`, depth + 1));
    if (isSchema(value.items) && isSchema(value.items.properties))
      rows.push(...schemaRows(value.items, `${field}[].`, depth + 1));
  }
  return rows;
}

function typeOf(schema: Schema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any');
  if (type === 'array' && isSchema(schema.items)) return `${typeOf(schema.items)}[]`;
  return type;
}

function describe(schema: Schema): string {
  const parts: string[] = [];
  if (typeof schema.description === 'string') parts.push(schema.description);
  const limits: [string, string][] = [
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['minItems', 'min items'],
    ['maxItems', 'max items'],
    ['pattern', 'pattern'],
    ['format', 'format'],
    ['default', 'default'],
  ];
  const shown = limits
    .filter(([key]) => key in schema)
    .map(
      ([key, label]) =>
        `${label} ${key === 'pattern' ? `\`${schema[key]}\`` : JSON.stringify(schema[key])}`,
    );
  if (shown.length > 0) parts.push(`(${shown.join(', ')})`);
  return parts.join(' ');
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
