import { z } from 'zod';

/** The fixture format this sdk writes and reads; a reader refuses any other. */
export const RECORDING_FORMAT_VERSION = 1;

/**
 * A body as kept in a fixture: parsed JSON when the content type says JSON, text when it is valid
 * UTF-8, base64 otherwise. Absent means the message had no body.
 */
export const recordedBodySchema = z.union([
  z.strictObject({ json: z.json() }),
  z.strictObject({ text: z.string() }),
  z.strictObject({ base64: z.base64() }),
]);

// Names as HTTP allows (lower-cased); values without CR, LF or NUL, which a Response would refuse.
const headersSchema = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9a-z-]+$/),
  z.string().regex(/^[^\r\n\0]*$/),
);

export const recordedRequestSchema = z.strictObject({
  method: z.string().regex(/^[A-Z]+$/),
  url: z.url(),
  headers: headersSchema,
  body: recordedBodySchema.optional(),
});

export const recordedResponseSchema = z.strictObject({
  status: z.number().int().min(200).max(599),
  headers: headersSchema,
  body: recordedBodySchema.optional(),
});

export const recordedExchangeSchema = z.strictObject({
  request: recordedRequestSchema,
  response: recordedResponseSchema,
});

/** A fixture file: every HTTP exchange of one test case, in the order the connector made them. */
export const recordingSchema = z.strictObject({
  $schema: z.string().optional(),
  format_version: z.literal(RECORDING_FORMAT_VERSION),
  exchanges: z.array(recordedExchangeSchema),
});

export type RecordedBody = z.infer<typeof recordedBodySchema>;
export type RecordedRequest = z.infer<typeof recordedRequestSchema>;
export type RecordedResponse = z.infer<typeof recordedResponseSchema>;
export type RecordedExchange = z.infer<typeof recordedExchangeSchema>;
export type Recording = z.infer<typeof recordingSchema>;
