import { isJobForgeError, parseBoundedJson } from '@jobforge/sdk';
import type { EgressRequest } from '../child/proxied-fetch.js';
import {
  anyJson,
  arrayOf,
  bool,
  type Check,
  int,
  json,
  nullable,
  object,
  oneOf,
  str,
  tuple,
} from './frame-shapes.js';

/**
 * Nesting a frame may have: a result's data may nest up to 256 levels (check-outcome.ts) and sits
 * two levels down in its frame.
 */
export const MAX_FRAME_DEPTH = 260;
/** The child cuts log lines and their fields to these sizes; a frame past them was forged. */
export const MAX_LOG_MESSAGE = 2000;
export const MAX_LOG_FIELDS_BYTES = 4096;
/** The child sends at most this many denials with a result (it counts the rest). */
export const MAX_CHILD_DENIALS = 50;

/** Bytes of an artifact one `artifact` frame carries at most (the child splits a put into chunks). */
export const MAX_ARTIFACT_CHUNK_BYTES = 192 * 1024;
/** The same, as the base64 text the frame holds. */
export const MAX_ARTIFACT_CHUNK_BASE64 = (MAX_ARTIFACT_CHUNK_BYTES / 3) * 4;

export type ChildDenial = { kind: string; target: string; reason: string };

/** Every frame a child may send, by type. What is not in `CHILD_FRAMES` is a violation. */
export interface ChildFrames {
  ready: { t: 'ready'; pid: number };
  loaded: { t: 'loaded'; id: number; ok: boolean; message?: string };
  result: {
    t: 'result';
    id: number;
    outcome?: unknown;
    error?: { code: string; message: string };
    denials: ChildDenial[];
    tainted?: boolean;
    crashed?: boolean;
    /** The connector left timers or handles open: the child must not idle in the pool. */
    pending?: boolean;
  };
  log: { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string; fields?: unknown };
  fetch: { t: 'fetch'; id: number; request: EgressRequest };
  /**
   * One chunk of `context.artifacts.put`: `id` names the put (the child numbers them), the first
   * chunk of an id opens it, `last` ends it. The host answers each with an `artifact-result`.
   */
  artifact: {
    t: 'artifact';
    id: number;
    name: string;
    content_type: string;
    data: string;
    last: boolean;
  };
}
export type ChildFrame = ChildFrames[keyof ChildFrames];

const denial = object({ kind: str(40), target: str(300), reason: str(2000) });

/**
 * The one table of frame types a child may send, each with its strict shape. A new frame type is
 * one row here plus its handler in the host; nothing reads a field the row has not checked.
 */
export const CHILD_FRAMES: { [T in keyof ChildFrames]: Check } = {
  ready: object({ t: str(16), pid: int }),
  loaded: object({ t: str(16), id: int, ok: bool, 'message?': str(2000) }),
  result: object({
    t: str(16),
    id: int,
    'outcome?': anyJson,
    'error?': object({ code: str(100), message: str(2000) }),
    denials: arrayOf(denial, MAX_CHILD_DENIALS),
    'tainted?': bool,
    'crashed?': bool,
    'pending?': bool,
  }),
  log: object({
    t: str(16),
    level: oneOf('debug', 'info', 'warn', 'error'),
    message: str(MAX_LOG_MESSAGE),
    'fields?': json(MAX_LOG_FIELDS_BYTES),
  }),
  fetch: object({
    t: str(16),
    id: int,
    request: object({
      url: str(65_536),
      method: str(32),
      headers: arrayOf(tuple(str(1024), str(16_384)), 256),
      body: nullable(str(Number.MAX_SAFE_INTEGER)),
    }),
  }),
  // Lengths only: the name's pattern and the content type's form are the host's to judge
  // (artifact-collector.ts), so a bad one is a coded error to the connector, not a killed child.
  artifact: object({
    t: str(16),
    id: int,
    name: str(256),
    content_type: str(256),
    data: str(MAX_ARTIFACT_CHUNK_BASE64),
    last: bool,
  }),
};

export type ParsedFrame = { ok: true; frame: ChildFrame } | { ok: false; reason: string };

/**
 * Parses one frame from a child: depth-bounded JSON (its size is bounded by the frame reader),
 * then the row of `CHILD_FRAMES` its `t` names. Never throws; the reason never quotes the frame.
 */
export function parseChildFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = parseBoundedJson(text, {
      maxBytes: Number.MAX_SAFE_INTEGER,
      maxDepth: MAX_FRAME_DEPTH,
    });
  } catch (error) {
    return {
      ok: false,
      reason:
        isJobForgeError(error) && error.code === 'JSON_TOO_DEEP'
          ? `a message nested deeper than ${MAX_FRAME_DEPTH} levels`
          : 'a message that is not JSON',
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'a message that is not a JSON object' };
  const type = (value as { t?: unknown }).t;
  if (typeof type !== 'string' || !Object.hasOwn(CHILD_FRAMES, type))
    return { ok: false, reason: 'a message of an unknown type' };
  const problem = CHILD_FRAMES[type as keyof ChildFrames](value, type);
  if (problem) return { ok: false, reason: `a malformed ${type} message (${problem})` };
  return { ok: true, frame: value as ChildFrame };
}
