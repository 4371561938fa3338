import { z } from 'zod';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** What `http-request.send` accepts; `jobforge validate` checks metadata.json's input_schema against it. */
export const inputSchema = z.strictObject({
  method: z.enum(METHODS).optional(),
  url: z
    .string()
    .max(8192)
    .regex(/^https?:\/\//i, 'must be an http:// or https:// URL'),
  headers: z.record(z.string(), z.string().max(8192)).optional(),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  timeout_ms: z.number().int().min(1).max(120_000).optional(),
});

export type HttpRequestInput = z.infer<typeof inputSchema>;
