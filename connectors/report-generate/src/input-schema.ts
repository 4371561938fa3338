import { z } from 'zod';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** What `report-generate.render` accepts; `jobforge validate` checks metadata.json's input_schema against it. */
export const inputSchema = z
  .strictObject({
    title: z.string().min(1).max(200),
    rows: z.array(z.record(z.string(), cell)).max(10_000).optional(),
    source_url: z
      .string()
      .max(8192)
      .regex(/^https?:\/\//i, 'must be an http:// or https:// URL')
      .optional(),
    columns: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
  })
  .refine((v) => (v.rows === undefined) !== (v.source_url === undefined), {
    message: 'give exactly one of rows and source_url',
  });

export type ReportInput = z.infer<typeof inputSchema>;
export type Row = Record<string, z.infer<typeof cell>>;
export const rowsSchema = z.array(z.record(z.string(), cell)).max(10_000);
