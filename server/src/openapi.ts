import type { ApiRoute } from '@jobforge/sdk/api';
import { ProblemSchema } from '@jobforge/sdk/api';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of a route table, generated from the zod schemas the server validates
 * requests with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits directly).
 *
 * @example
 * const doc = buildOpenApi(API_ROUTES, { version: '0.1.0' });
 */
export function buildOpenApi(
  routes: Record<string, ApiRoute>,
  info: { version: string; title?: string },
): JsonSchema {
  const components: Record<string, JsonSchema> = {};
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      unrepresentable: 'any',
      io,
    }) as JsonSchema;
    delete json.$schema;
    // Named schemas (`.meta({ id })`) become components shared by every operation.
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    const relink = (value: JsonSchema) =>
      JSON.parse(
        JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/'),
      ) as JsonSchema;
    for (const [id, def] of Object.entries(defs)) components[id] ??= relink(def);
    return relink(json);
  };
  const problemResponse = {
    description: 'A problem (RFC 9457)',
    content: { 'application/problem+json': { schema: toSchema(ProblemSchema, 'output') } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(routes)) {
    const parameters: unknown[] = [];
    const addParams = (where: 'path' | 'query', shape: z.ZodObject | undefined) => {
      for (const [name, field] of Object.entries(shape?.shape ?? {})) {
        const schema = toSchema(field as z.ZodType, 'input');
        parameters.push({
          name,
          in: where,
          required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
          schema,
          ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
        });
      }
    };
    addParams('path', route.params);
    addParams('query', route.query);
    for (const [name, description] of Object.entries(route.headers ?? {})) {
      parameters.push({
        name,
        in: 'header',
        required: false,
        description,
        schema: { type: 'string' },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = {
        description: status === '201' ? 'Created' : status === '503' ? 'Unavailable' : 'OK',
        content: route.raw
          ? { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }
          : { 'application/json': { schema: toSchema(schema, 'output') } },
      };
    }
    responses.default = problemResponse;
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path]![route.method] = {
      operationId,
      summary: route.summary,
      ...(route.auth ? {} : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title ?? 'JobForge API', version: info.version },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from `jobforge apikeys create` (Authorization: Bearer jf_…)',
        },
      },
      schemas: components,
    },
  };
}
