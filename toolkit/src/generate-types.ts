/** A JSON Schema node, as far as the type generator reads it. */
interface SchemaNode {
  description?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  patternProperties?: Record<string, SchemaNode>;
}

/**
 * Generates TypeScript declarations from a JSON Schema (the subset metadata.schema.json uses), so
 * types are derived from the schema, never written twice. The output is formatted by the caller.
 *
 * @example
 * const source = generateTypes(METADATA_SCHEMA, 'ConnectorMetadata');
 */
export function generateTypes(schema: SchemaNode, name: string, source: string): string {
  return [
    `// Generated from ${source} by scripts/generate-metadata-types.ts; do not edit.`,
    '// Regenerate with `npm run generate:types`; a test fails when this file drifts.',
    '',
    `${doc(schema.description, '')}export interface ${name} ${objectType(schema, '')}`,
    '',
  ].join('\n');
}

function doc(text: string | undefined, indent: string): string {
  if (!text) return '';
  return `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;
}

function typeOf(node: SchemaNode, indent: string): string {
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.anyOf) return node.anyOf.map((n) => typeOf(n, indent)).join(' | ');
  switch (node.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = node.items ? typeOf(node.items, indent) : 'unknown';
      return /^[\w"]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'object':
      return objectType(node, indent);
    default:
      return 'unknown';
  }
}

function objectType(node: SchemaNode, indent: string): string {
  const inner = `${indent}  `;
  const lines: string[] = [];
  const required = new Set(node.required ?? []);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
    lines.push(
      `${doc(child.description, inner)}${inner}${name}${required.has(key) ? '' : '?'}: ${typeOf(child, inner)};`,
    );
  }
  for (const [pattern, child] of Object.entries(node.patternProperties ?? {})) {
    const prefix = /^\^([\w-]+)$/.exec(pattern)?.[1];
    const key = prefix ? `\`${prefix}\${string}\`` : 'string';
    lines.push(`${doc(child.description, inner)}${inner}[key: ${key}]: unknown;`);
  }
  if (typeof node.additionalProperties === 'object')
    lines.push(
      `${doc(node.additionalProperties.description, inner)}${inner}[key: string]: ${typeOf(node.additionalProperties, inner)};`,
    );
  if (lines.length === 0)
    return node.additionalProperties === false
      ? 'Record<string, never>'
      : 'Record<string, unknown>';
  return `{\n${lines.join('\n')}\n${indent}}`;
}
