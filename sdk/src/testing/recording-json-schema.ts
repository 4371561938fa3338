import { z } from 'zod';
import { recordingSchema } from './recording-schema.js';

/**
 * The fixture format as JSON Schema 2020-12, generated from `recordingSchema` (the one source of
 * truth); `sdk/schema/recording.schema.json` is this text, and a test fails when they drift.
 */
export function recordingJsonSchemaText(): string {
  const generated = z.toJSONSchema(recordingSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const document = {
    $schema,
    $id: 'urn:jobforge:schema:recording:1',
    title: 'JobForge HTTP recording',
    description:
      'The HTTP exchanges of one connector test case, redacted, in the order they were made. Written by `jobforge test --record`; regenerate this file with `pnpm exec tsx --conditions=@jobforge/source scripts/generate-recording-schema.ts`.',
    ...rest,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
