export type { Aliases } from './alias-exchange.js';
export {
  createRecordingFetch,
  type RecordingFetch,
  type RecordingOptions,
} from './create-recording-fetch.js';
export { createReplayFetch, type ReplayFetch, type ReplayOptions } from './create-replay-fetch.js';
export { diffRequest, type MatchOptions, type RequestDifference } from './diff-request.js';
export type { NamePattern } from './name-patterns.js';
export {
  formatRecording,
  parseRecording,
  RECORDING_SCHEMA_PATH,
  type ReadRecordingOptions,
  readRecording,
  writeRecording,
} from './recording-file.js';
export { recordingJsonSchemaText } from './recording-json-schema.js';
export {
  RECORDING_FORMAT_VERSION,
  type RecordedBody,
  type RecordedExchange,
  type RecordedRequest,
  type RecordedResponse,
  type Recording,
  recordingSchema,
} from './recording-schema.js';
export { createRedactor, type RedactOptions, type Redactor } from './redact-exchange.js';
