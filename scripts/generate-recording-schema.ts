// Regenerates sdk/schema/recording.schema.json from the zod schema of a recording.
// Run: pnpm exec tsx --conditions=@jobforge/source scripts/generate-recording-schema.ts

import { writeFileAtomic } from '@jobforge/sdk';
import { RECORDING_SCHEMA_PATH, recordingJsonSchemaText } from '@jobforge/sdk/testing';

await writeFileAtomic(RECORDING_SCHEMA_PATH, recordingJsonSchemaText());
console.log(`wrote ${RECORDING_SCHEMA_PATH}`);
