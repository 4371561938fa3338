import type { z } from 'zod';
import { type ConnectorCheck, isObject } from './connector-check.js';
import type { Finding } from './diagnostic.js';

/**
 * Compares metadata's input_schema with the zod schema the entry exports as `inputSchema` (this one
 * check needs the module loaded, so it runs only when the caller asks for it). Compared: types,
 * property names, required properties, and whether extra properties are allowed, recursively.
 */
export async function zodSchemaFindings(
  { folder, meta }: ConnectorCheck,
  exported: unknown,
): Promise<Finding[]> {
  if (!isZod(exported) || !isObject(meta.input_schema)) return [];
  // zod is loaded only here: this check runs only when entries are loaded, and zod is slow to import.
  const { z } = await import('zod');
  let fromZod: unknown;
  try {
    fromZod = z.toJSONSchema(exported as z.ZodType, { io: 'input', unrepresentable: 'any' });
  } catch {
    return [];
  }
  const differences: string[] = [];
  compare(shape(fromZod), shape(meta.input_schema), 'input_schema', differences);
  if (differences.length === 0) return [];
  return [
    {
      code: 'ZOD_SCHEMA_MISMATCH',
      message: `input_schema does not match the zod inputSchema exported by the entry: ${differences.slice(0, 5).join('; ')}; make metadata.json's input_schema describe what the code accepts`,
      file: folder.file,
      pointer: '/input_schema',
    },
  ];
}

function isZod(value: unknown): boolean {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

interface Shape {
  type?: string;
  properties?: Record<string, Shape>;
  required?: string[];
  closed?: boolean;
  items?: Shape;
}

function shape(schema: unknown): Shape {
  if (!isObject(schema)) return {};
  const out: Shape = {};
  if (typeof schema.type === 'string')
    out.type = schema.type === 'integer' ? 'number' : schema.type;
  if (isObject(schema.properties))
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, shape(v)]),
    );
  if (Array.isArray(schema.required)) out.required = [...(schema.required as string[])].sort();
  if (out.type === 'object') out.closed = schema.additionalProperties === false;
  if (isObject(schema.items)) out.items = shape(schema.items);
  return out;
}

function compare(code: Shape, meta: Shape, path: string, out: string[]): void {
  if (code.type && meta.type && code.type !== meta.type)
    out.push(`${path} is ${code.type} in the code but ${meta.type} in metadata`);
  const codeProps = code.properties ?? {};
  const metaProps = meta.properties ?? {};
  for (const name of Object.keys(codeProps))
    if (!(name in metaProps))
      out.push(`${path}.properties lacks "${name}", which the code accepts`);
  for (const name of Object.keys(metaProps))
    if (!(name in codeProps) && code.properties)
      out.push(`${path}.properties has "${name}", which the code does not accept`);
  for (const name of Object.keys(codeProps))
    if (name in metaProps) compare(codeProps[name]!, metaProps[name]!, `${path}.${name}`, out);
  const codeRequired = (code.required ?? []).join(',');
  const metaRequired = (meta.required ?? []).join(',');
  if (codeRequired !== metaRequired)
    out.push(`${path}.required is [${metaRequired}] but the code requires [${codeRequired}]`);
  if (code.closed !== undefined && meta.closed !== undefined && code.closed !== meta.closed)
    out.push(
      `${path}.additionalProperties is ${meta.closed ? 'false' : 'allowed'} but the code ${code.closed ? 'rejects' : 'allows'} extra properties`,
    );
  if (code.items && meta.items) compare(code.items, meta.items, `${path}.items`, out);
}
