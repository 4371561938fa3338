import { createHash, type Hash } from 'node:crypto';
import type { RunEventBody } from '@jobforge/sdk';
import type { ChildFrames } from '../frames/child-frames.js';

/** Default cap of one run's connector artifacts, all together. */
export const DEFAULT_MAX_ARTIFACTS_TOTAL_BYTES = 1024 * 1024 * 1024;
/** Default cap of one connector artifact. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 256 * 1024 * 1024;
/** Artifacts one run may put. */
export const MAX_ARTIFACTS_PER_RUN = 100;
/** Names the host writes itself: a connector may not take them. */
export const RESERVED_ARTIFACT_NAMES = new Set([
  'input.json',
  'output.json',
  'events.jsonl',
  'recording.json',
  'run_receipt.json',
  'summary.md',
  'evidence.json',
]);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;

/** Where a recorded run's artifact bytes go while they arrive (the run recorder provides it). */
export interface ArtifactSink {
  open(name: string): ArtifactWriter;
}

export interface ArtifactWriter {
  write(chunk: Buffer): Promise<void>;
  /** All bytes are in; `sha256` is theirs. Resolves to the store that holds them. */
  end(sha256: string): Promise<{ storage: string }>;
  /** The put failed or the run ended first: nothing of it is kept. */
  abort(): void;
}

/** A connector artifact as the manifest lists it. */
export interface CollectedArtifact {
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  storage: string | null;
}

export type ArtifactAnswer =
  | { ok: true; done: false }
  | { ok: true; done: true; name: string; size: number; sha256: string; stored: boolean }
  | { ok: false; code: string; message: string };

export interface ArtifactLimits {
  maxArtifactBytes: number;
  maxTotalBytes: number;
}

interface OpenPut {
  name: string;
  media_type: string;
  size: number;
  hash: Hash;
  writer: ArtifactWriter | undefined;
  /** A chunk is being taken: the child must wait for its answer before the next. */
  busy: boolean;
  failed?: { code: string; message: string };
}

/**
 * Receives `context.artifacts.put` chunk by chunk from the sandbox and judges it: the name, the
 * content type, the per-artifact and per-run caps. Bytes are hashed as they pass and handed to the
 * sink (or dropped when the run is not recorded); the collector itself holds one chunk at a time,
 * so a total of any size is counted, never buffered. Every refusal is a coded answer for the
 * connector and a `truncated` event; nothing a connector sends can throw into the host.
 */
export function createArtifactCollector(options: {
  limits: ArtifactLimits;
  sink?: ArtifactSink;
  emit: (event: RunEventBody) => void;
}) {
  const { limits, sink, emit } = options;
  let puts = new Map<number, OpenPut>();
  let names = new Set<string>();
  let done: CollectedArtifact[] = [];
  let total = 0;

  const refuse = (put: OpenPut | undefined, code: string, message: string): ArtifactAnswer => {
    if (put) {
      put.failed = { code, message };
      put.writer?.abort();
      put.writer = undefined;
      emit({ kind: 'truncated', at: new Date().toISOString(), name: put.name, reason: message });
    }
    return { ok: false, code, message };
  };

  const open = (frame: ChildFrames['artifact']): OpenPut | ArtifactAnswer => {
    const { name, content_type } = frame;
    if (!NAME.test(name) || name.includes('..') || RESERVED_ARTIFACT_NAMES.has(name))
      return refuse(
        undefined,
        'ARTIFACT_NAME_INVALID',
        `an artifact name is 1-128 of A-Z a-z 0-9 . _ - (first a letter or digit, no "..", not one the host writes: ${[...RESERVED_ARTIFACT_NAMES].join(', ')}); got ${JSON.stringify(name.slice(0, 60))}`,
      );
    if (names.has(name))
      return refuse(undefined, 'ARTIFACT_EXISTS', `an artifact named ${name} was put already`);
    if (!CONTENT_TYPE.test(content_type))
      return refuse(
        undefined,
        'ARTIFACT_NAME_INVALID',
        `contentType must be a media type such as text/csv, got ${JSON.stringify(content_type.slice(0, 60))}`,
      );
    if (names.size >= MAX_ARTIFACTS_PER_RUN)
      return refuse(
        undefined,
        'ARTIFACT_LIMIT',
        `a run may put at most ${MAX_ARTIFACTS_PER_RUN} artifacts`,
      );
    names.add(name);
    const put: OpenPut = {
      name,
      media_type: content_type,
      size: 0,
      hash: createHash('sha256'),
      writer: sink?.open(name),
      busy: false,
    };
    puts.set(frame.id, put);
    return put;
  };

  return {
    /** One chunk from the child; answers when it is taken (the child waits for it: backpressure). */
    async take(frame: ChildFrames['artifact']): Promise<ArtifactAnswer> {
      const known = puts.get(frame.id);
      const put = known ?? open(frame);
      if ('ok' in put) return put;
      if (put.failed) return { ok: false, ...put.failed };
      if (known && (known.name !== frame.name || known.media_type !== frame.content_type))
        return refuse(put, 'ARTIFACT_NAME_INVALID', 'a put changed its name or type midway');
      if (put.busy)
        return refuse(
          put,
          'ARTIFACT_PROTOCOL',
          'a chunk came before the previous one was answered',
        );
      const chunk = Buffer.from(frame.data, 'base64');
      if (put.size + chunk.length > limits.maxArtifactBytes)
        return refuse(
          put,
          'ARTIFACT_TOO_LARGE',
          `artifact ${put.name} passed the cap of ${limits.maxArtifactBytes} bytes an artifact; it was not kept`,
        );
      if (total + chunk.length > limits.maxTotalBytes)
        return refuse(
          put,
          'ARTIFACT_LIMIT',
          `the run's artifacts passed their cap of ${limits.maxTotalBytes} bytes in all; ${put.name} was not kept`,
        );
      put.size += chunk.length;
      total += chunk.length;
      put.hash.update(chunk);
      put.busy = true;
      try {
        await put.writer?.write(chunk);
        if (!frame.last) return { ok: true, done: false };
        const sha256 = put.hash.digest('hex');
        const stored = put.writer ? (await put.writer.end(sha256)).storage : null;
        puts.delete(frame.id);
        done.push({
          name: put.name,
          media_type: put.media_type,
          size: put.size,
          sha256,
          storage: stored,
        });
        emit({ kind: 'artifact', at: new Date().toISOString(), name: put.name, bytes: put.size });
        return {
          ok: true,
          done: true,
          name: put.name,
          size: put.size,
          sha256,
          stored: stored !== null,
        };
      } catch (error) {
        return refuse(
          put,
          'ARTIFACT_STORE_FAILED',
          `artifact ${put.name} could not be stored: ${(error as Error).message}`,
        );
      } finally {
        put.busy = false;
      }
    },
    /** The artifacts put completely, in order. */
    artifacts(): CollectedArtifact[] {
      return [...done];
    },
    /** Bytes taken so far, whether kept or not. */
    get totalBytes(): number {
      return total;
    },
    /** Ends unfinished puts (the call ended first); with `forget`, also what a failed attempt put. */
    close(forget = false): void {
      for (const put of puts.values()) put.writer?.abort();
      puts = new Map();
      if (forget) {
        names = new Set();
        done = [];
        total = 0;
      }
    },
  };
}

export type ArtifactCollector = ReturnType<typeof createArtifactCollector>;
