import { readFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize } from '../canonicalize.js';
import { JobForgeError } from '../errors.js';
import { writeFileAtomic } from '../write-file-atomic.js';
import { RECORDING_FORMAT_VERSION, type Recording, recordingSchema } from './recording-schema.js';

/** The JSON Schema of a fixture, generated from `recordingSchema`. */
export const RECORDING_SCHEMA_PATH = fileURLToPath(
  new URL('../../schema/recording.schema.json', import.meta.url),
);

/**
 * The text of a fixture: keys in canonical (RFC 8785) order, two-space indent, a final newline,
 * and a `$schema` relative to the file so editors check it. The same recording always gives the
 * same bytes, so a re-recording shows in review only where the service answered differently.
 */
export function formatRecording(recording: Recording, path?: string): string {
  const $schema = path
    ? relative(dirname(path), RECORDING_SCHEMA_PATH).split(sep).join('/')
    : recording.$schema;
  const document = { ...recording, $schema };
  canonicalize(document); // proves it is JSON, naming the path of anything that is not
  return `${pretty(document, '')}\n`;
}

/**
 * JSON.stringify(value, null, 2) with object keys in RFC 8785 order. Printed directly rather than
 * re-parsed from canonical text: V8's JSON.parse on Node 24 can mis-decode escaped keys.
 */
function pretty(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + pretty(item, inner)).join(',\n')}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  const members = keys.map(
    (key) => `${inner}${JSON.stringify(key)}: ${pretty(record[key], inner)}`,
  );
  return `{\n${members.join(',\n')}\n${indent}}`;
}

/** Writes a fixture atomically: readers see the old recording or the new one, never half. */
export async function writeRecording(path: string, recording: Recording): Promise<void> {
  await writeFileAtomic(path, formatRecording(recording, path));
}

export interface ReadRecordingOptions {
  /** Who is reading, for messages: `case "lists users"`. */
  label?: string;
  /** The command that re-creates the fixture, for hints. */
  recordHint?: string;
}

/** Reads and checks a fixture; every failure names the file, the place in it, and what to do. */
export async function readRecording(
  path: string,
  options: ReadRecordingOptions = {},
): Promise<Recording> {
  const who = options.label ? `${options.label}: ` : '';
  const rerecord = options.recordHint ?? 'record it again with `jobforge test --record`';
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new JobForgeError(
      missing ? 'RECORDING_MISSING' : 'RECORDING_UNREADABLE',
      `${who}the recording ${path} ${missing ? 'does not exist' : `cannot be read: ${(cause as Error).message}`}`,
      {
        where: path,
        hint: missing ? `${rerecord} (it needs the live service once)` : undefined,
        cause,
      },
    );
  }
  return parseRecording(text, path, { ...options, recordHint: rerecord });
}

/** Parses fixture text; `source` names it in messages. */
export function parseRecording(
  text: string,
  source: string,
  options: ReadRecordingOptions = {},
): Recording {
  const who = options.label ? `${options.label}: ` : '';
  const rerecord = options.recordHint ?? 'record it again with `jobforge test --record`';
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    const at = jsonErrorPosition(text, cause);
    throw new JobForgeError(
      'RECORDING_INVALID',
      `${who}the recording ${source} is not valid JSON${at ? ` at line ${at.line}, column ${at.column}` : ''}: ${(cause as Error).message}`,
      {
        where: at ? `${source}:${at.line}:${at.column}` : source,
        hint: `fix the JSON by hand (was it edited?), or delete the file and ${rerecord}`,
        cause,
      },
    );
  }
  const version = (data as { format_version?: unknown } | null)?.format_version;
  if (typeof data === 'object' && data !== null && version !== RECORDING_FORMAT_VERSION) {
    throw new JobForgeError(
      'RECORDING_INVALID',
      `${who}the recording ${source} has format_version ${JSON.stringify(version)}; this JobForge reads ${RECORDING_FORMAT_VERSION}`,
      { where: `${source}#/format_version`, hint: rerecord },
    );
  }
  const parsed = recordingSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const pointer = `#/${(issue?.path ?? []).map(String).join('/')}`;
    const exchange =
      issue?.path[0] === 'exchanges' ? ` (exchange #${Number(issue.path[1]) + 1})` : '';
    throw new JobForgeError(
      'RECORDING_INVALID',
      `${who}the recording ${source} is not a valid recording${exchange}: ${pointer}: ${issue?.message}`,
      { where: `${source}${pointer}`, hint: `fix that field, or delete the file and ${rerecord}` },
    );
  }
  return parsed.data;
}

function jsonErrorPosition(
  text: string,
  cause: unknown,
): { line: number; column: number } | undefined {
  const message = cause instanceof Error ? cause.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  if (!position) return undefined;
  const before = text.slice(0, Number(position[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}
