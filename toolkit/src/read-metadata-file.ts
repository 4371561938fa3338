import type { Finding } from './diagnostic.js';
import { lineColumn } from './line-column.js';
import { type JsonParseResult, parseJsonPositions } from './parse-json-positions.js';
import { readRegularFile } from './read-regular-file.js';

export interface MetadataFile {
  /** The decoded text (BOM removed); undefined when the file could not be read or decoded. */
  text?: string;
  /** The parse result; undefined when there was no text. */
  parsed?: JsonParseResult;
  findings: Finding[];
}

export interface ReadMetadataOptions {
  /** Larger files are reported, never read. Default 1 MiB (metadata is a few KiB). */
  maxBytes?: number;
  maxDepth?: number;
}

const DECODER = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses one metadata.json defensively: a FIFO, a directory or a device is reported
 * without being opened; a huge file without being read; a BOM, invalid UTF-8, a syntax error, deep
 * nesting and duplicate keys each become a finding with the exact line and column.
 */
export function readMetadataFile(
  path: string,
  file: string,
  options: ReadMetadataOptions = {},
): MetadataFile {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const at = (
    code: Finding['code'],
    message: string,
    extra: Partial<Finding> = {},
  ): MetadataFile => ({
    findings: [{ code, message, file, pointer: '', ...extra }],
  });
  const read = readRegularFile(path, maxBytes);
  if (!read.ok) {
    if (read.reason === 'not-a-file')
      return at(
        'FILE_UNREADABLE',
        `${file} is ${kindOf(read.stats)}, expected a regular file holding the connector's metadata JSON; replace it with a file`,
      );
    if (read.reason === 'too-large')
      return at(
        'FILE_TOO_LARGE',
        `${file} is ${read.size} bytes, expected at most ${maxBytes}; metadata holds descriptions and schemas, not data: move large content elsewhere`,
      );
    return at(
      'FILE_UNREADABLE',
      read.code === 'ELOOP'
        ? `${file} is a symbolic link that loops back on itself; point it at a real file`
        : `${file} cannot be read (${read.code}); check that it exists and is readable`,
    );
  }
  const bytes = read.bytes;
  const findings: Finding[] = [];
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    start = 3;
    findings.push({
      code: 'JSON_BOM',
      message: `${file} starts with a UTF-8 byte order mark, expected plain UTF-8; save it without a BOM`,
      file,
      pointer: '',
      line: 1,
      column: 1,
    });
  }
  let text: string;
  try {
    text = DECODER.decode(bytes.subarray(start));
  } catch {
    const bad = firstInvalidUtf8(bytes, start);
    const before = bytes.subarray(start, bad).toString('utf8');
    const where = lineColumn(before, before.length);
    findings.push({
      code: 'JSON_INVALID_UTF8',
      message: `${file} has a byte that is not valid UTF-8 (0x${bytes[bad]?.toString(16).padStart(2, '0')} at byte ${bad}), expected UTF-8 text; re-save the file as UTF-8`,
      file,
      pointer: '',
      ...where,
    });
    return { findings };
  }
  const parsed = parseJsonPositions(text, options.maxDepth ? { maxDepth: options.maxDepth } : {});
  if (parsed.problem) {
    const { kind, message, offset } = parsed.problem;
    findings.push({
      code: kind === 'too_deep' ? 'JSON_TOO_DEEP' : 'JSON_SYNTAX',
      message:
        kind === 'too_deep'
          ? `${file} has ${message}, expected a shallow document; flatten the structure`
          : `${file} is not valid JSON: ${message}`,
      file,
      pointer: '',
      ...lineColumn(text, offset),
    });
  }
  // Rare: parse again with positions, which also knows where each duplicate key first appeared.
  const duplicates = parsed.duplicates.length
    ? parseJsonPositions(text, {
        track: true,
        ...(options.maxDepth ? { maxDepth: options.maxDepth } : {}),
      }).duplicates
    : [];
  for (const dup of duplicates) {
    const first = lineColumn(text, dup.firstOffset);
    findings.push({
      code: 'JSON_DUPLICATE_KEY',
      message: `"${dup.key}" appears twice in the same object (first at line ${first.line}, column ${first.column}); JSON readers keep only one of them, so remove or rename one`,
      file,
      pointer: dup.pointer,
      ...lineColumn(text, dup.offset),
    });
  }
  return { text, parsed, findings };
}

function kindOf(info: import('node:fs').Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Offset of the first byte that breaks UTF-8 (the input is known to hold one), following the
 * well-formed byte sequences of RFC 3629 table 3: no overlongs, no surrogates, nothing past U+10FFFF.
 */
function firstInvalidUtf8(bytes: Uint8Array, from: number): number {
  let i = from;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const [need, low, high] = utf8Lead(b);
    if (need === 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      // The second byte's range depends on the lead byte; the later ones are 80..BF.
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (c === undefined || c < min || c > max) return i;
    }
    i += need + 1;
  }
  return bytes.length - 1;
}

/** Continuation bytes a lead byte needs, and the range its second byte must fall in. */
function utf8Lead(b: number): [need: number, low: number, high: number] {
  if (b >= 0xc2 && b <= 0xdf) return [1, 0x80, 0xbf];
  if (b === 0xe0) return [2, 0xa0, 0xbf];
  if (b === 0xed) return [2, 0x80, 0x9f];
  if (b >= 0xe1 && b <= 0xef) return [2, 0x80, 0xbf];
  if (b === 0xf0) return [3, 0x90, 0xbf];
  if (b === 0xf4) return [3, 0x80, 0x8f];
  if (b >= 0xf1 && b <= 0xf3) return [3, 0x80, 0xbf];
  return [0, 0, 0];
}
