import { z } from 'zod';

/** What `webhook-deliver.send` accepts; `jobforge validate` checks metadata.json's input_schema against it. */
export const inputSchema = z.strictObject({
  url: z
    .string()
    .max(8192)
    .regex(/^https?:\/\//i, 'must be an http:// or https:// URL'),
  event: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'must be a type name such as invoice.paid'),
  data: z.unknown().optional(),
  message_id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits and _ . : -')
    .optional(),
  timeout_ms: z.number().int().min(1).max(60_000).optional(),
});

export type WebhookDeliverInput = z.infer<typeof inputSchema>;
