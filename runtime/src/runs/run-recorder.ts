import {
  type ArtifactManifest,
  buildManifest,
  canonicalize,
  manifestDigest,
  RUN_EVENT_SCHEMA,
  type RunEventBody,
  sha256Hex,
} from '@jobforge/sdk';
import type { RunEnded, RunRecording } from '../record/run-recording.js';
import type { SandboxRun } from '../runtime-types.js';
import type { ArtifactWriter } from './artifact-collector.js';
import type { ArtifactStore, StreamingPut } from './artifact-store.js';
import type { StoredEntry } from './read-run.js';
import { buildReceipt, receiptBytes } from './run-receipt.js';
import { renderSummary } from './run-summary.js';

/** Events one attempt keeps; past it one `truncated` event says so and the rest are dropped. */
export const MAX_EVENTS_PER_ATTEMPT = 2000;
/** Artifacts at most this big go to the database, inline in the record call; bigger ones to the large store. */
export const SMALL_ARTIFACT_BYTES = 64 * 1024;
/**
 * How long an event may wait before it is written, for live readers (`jobforge jobs tail`). A run
 * shorter than this writes its whole record in one call at the end.
 */
export const EVENT_FLUSH_MS = 250;

/** What one record call stores (the queue's `recordRun`). */
export interface RunRecordWrite {
  events: readonly object[];
  blobs: readonly Uint8Array[];
  manifest: object;
  manifestSha256: string;
}

/** Where a recorder writes: the queue's runs client satisfies it. */
export interface RunSink {
  appendRunEvents(jobId: string, attempt: number, events: readonly object[]): Promise<number>;
  recordRun(
    jobId: string,
    attempt: number,
    record: RunRecordWrite,
  ): Promise<{ last_seq: number; stored: boolean }>;
}

export interface RunRecorderOptions {
  jobId: string;
  attempt: number;
  sink: RunSink;
  /** Artifacts larger than SMALL_ARTIFACT_BYTES (the filesystem or an object store). */
  large: ArtifactStore;
  /** Keep the HTTP exchanges for replay. */
  capture?: boolean;
  /** The input as the connector receives it: kept as `input.json`. */
  input: { operation: string; payload: unknown };
  /** Longest wait before buffered events are written during a run (default EVENT_FLUSH_MS). */
  flushMs?: number;
  /** Called when writing events or artifacts fails: the run goes on, the record says less. */
  onError?: (error: unknown) => void;
}

export interface RunRecorder {
  /** Pass as `context.record` to `runtime.run`. */
  readonly record: RunRecording;
  /** Reports an event the runtime cannot see (the worker's claim). */
  event(body: RunEventBody): void;
  /** After the run: writes the artifacts, receipt, summary and manifest; resolves to the stored manifest. */
  finish(run: SandboxRun): Promise<StoredManifestView>;
}

export interface StoredManifestView {
  $schema: string;
  run_id: string;
  manifest_sha256: string;
  evidence_sha256: string;
  artifacts: StoredEntry[];
}

/**
 * Makes one attempt of a job a record: buffers its events and writes them at most every
 * `flushMs` while the run lasts (one write in flight), builds the artifacts the evidence signs
 * when the runtime seals the run, then stores the rest of the events, the small artifacts' bytes
 * and the manifest in one call (`recordRun`); only artifacts past SMALL_ARTIFACT_BYTES go to the
 * large store first.
 *
 * @example
 * const recorder = createRunRecorder({ jobId, attempt, sink: runs, large, input });
 * const run = await runtime.run(dir, input, { job_id: jobId, record: recorder.record });
 * await recorder.finish(run);
 */
export function createRunRecorder(options: RunRecorderOptions): RunRecorder {
  const { jobId, attempt, sink } = options;
  const events: RunEventBody[] = [];
  const lines: string[] = [];
  let pending: object[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let inFlight = false;
  let finishing = false;
  let timer: NodeJS.Timeout | undefined;
  const flushMs = options.flushMs ?? EVENT_FLUSH_MS;
  let truncated = false;
  // Each signed artifact: its bytes, or (a connector's large artifact) the store that has them.
  const sealed = new Map<
    string,
    { bytes?: Buffer; media_type: string; size: number; sha256: string; storage?: string }
  >();
  const kept = new Map<string, { bytes?: Buffer; storage?: string }>();
  let manifest: ArtifactManifest | undefined;

  const flush = () => {
    if (inFlight || pending.length === 0) return;
    inFlight = true;
    const batch = pending;
    pending = [];
    flushing = sink
      .appendRunEvents(jobId, attempt, batch)
      .then(
        () => undefined,
        (error) => options.onError?.(error),
      )
      .finally(() => {
        inFlight = false;
        schedule();
      });
  };
  // One timer for the whole buffer: a burst of events costs one write, not one each.
  const schedule = () => {
    if (timer || inFlight || finishing || pending.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      flush();
    }, flushMs);
    timer.unref();
  };
  const event = (body: RunEventBody) => {
    if (truncated) return;
    let kept = body;
    if (events.length >= MAX_EVENTS_PER_ATTEMPT - 1 && body.kind !== 'finished') {
      truncated = true;
      kept = {
        kind: 'truncated',
        at: body.at,
        name: 'events',
        reason: `more than ${MAX_EVENTS_PER_ATTEMPT} events; the rest were dropped`,
      };
    }
    events.push(kept);
    const stored = {
      $schema: RUN_EVENT_SCHEMA,
      job_id: jobId,
      attempt,
      seq: events.length,
      ...kept,
    };
    lines.push(canonicalize(stored));
    pending.push(kept);
    schedule();
  };
  // `finished` always gets in, even after truncation, so a record always says how the run ended.
  const onEvent = (body: RunEventBody) => {
    if (body.kind === 'finished' && truncated) truncated = false;
    event(body);
  };

  const seal = (ended: RunEnded): ArtifactManifest => {
    const add = (name: string, bytes: Buffer, media_type: string) =>
      sealed.set(name, { bytes, media_type, size: bytes.length, sha256: sha256Hex(bytes) });
    add('input.json', Buffer.from(canonicalize(options.input)), 'application/json');
    const out = ended.outcome.ok
      ? ended.outcome.data
      : {
          code: ended.outcome.error.code,
          message: ended.outcome.error.message,
          retryable: ended.outcome.error.retryable,
        };
    add('output.json', Buffer.from(canonicalize(out)), 'application/json');
    add('events.jsonl', Buffer.from(lines.map((l) => `${l}\n`).join('')), 'application/jsonl');
    if (ended.recording)
      add('recording.json', Buffer.from(canonicalize(ended.recording)), 'application/json');
    for (const a of ended.artifacts ?? []) {
      const where = kept.get(a.name);
      if (where)
        sealed.set(a.name, { media_type: a.media_type, size: a.size, sha256: a.sha256, ...where });
    }
    manifest = buildManifest(
      [...sealed].map(([name, a]) => ({
        name,
        media_type: a.media_type,
        size: a.size,
        sha256: a.sha256,
      })),
    );
    return manifest;
  };

  return {
    record: {
      onEvent,
      capture: options.capture ?? false,
      seal,
      artifacts: { open: (name) => keepArtifact(options, name, kept) },
    },
    event,
    async finish(run) {
      finishing = true;
      clearTimeout(timer);
      timer = undefined;
      await flushing;
      const rest = pending;
      pending = [];
      const signed =
        manifest ??
        seal({
          outcome: run.ok ? { ok: true, data: run.data } : { ok: false, error: run.error },
          unmatched: [],
        });
      const receipt = buildReceipt({ jobId, attempt }, run.evidence);
      const output = sealed.get('output.json')!.bytes!;
      const derived: [string, Buffer, string][] = [
        ['run_receipt.json', receiptBytes(receipt), 'application/json'],
        ['summary.md', Buffer.from(renderSummary(receipt, events, output)), 'text/markdown'],
        ['evidence.json', Buffer.from(`${canonicalize(run.evidence)}\n`), 'application/json'],
      ];
      const blobs: Buffer[] = [];
      const store = async (bytes: Buffer) => {
        if (bytes.length <= SMALL_ARTIFACT_BYTES) {
          blobs.push(bytes);
          return 'db';
        }
        await options.large.put(jobId, bytes);
        return options.large.kind;
      };
      const artifacts: StoredManifestView['artifacts'] = [];
      for (const entry of signed.artifacts)
        artifacts.push({
          ...entry,
          signed: true,
          storage: sealed.get(entry.name)!.storage ?? (await store(sealed.get(entry.name)!.bytes!)),
        });
      for (const [name, bytes, media_type] of derived)
        artifacts.push({
          name,
          media_type,
          size: bytes.length,
          sha256: sha256Hex(bytes),
          signed: false,
          storage: await store(bytes),
        });
      const view: StoredManifestView = {
        $schema: signed.$schema,
        run_id: receipt.run_id,
        manifest_sha256: manifestDigest(signed),
        evidence_sha256: receipt.evidence_sha256,
        artifacts,
      };
      await sink.recordRun(jobId, attempt, {
        events: rest,
        blobs,
        manifest: view,
        manifestSha256: view.manifest_sha256,
      });
      return view;
    },
  };
}

/**
 * Where a connector's artifact goes while it arrives: memory up to SMALL_ARTIFACT_BYTES (it then
 * rides in the record call), past that a streamed write to the large store, so the host never
 * holds more than the small limit of it.
 */
function keepArtifact(
  options: RunRecorderOptions,
  name: string,
  kept: Map<string, { bytes?: Buffer; storage?: string }>,
): ArtifactWriter {
  let chunks: Buffer[] = [];
  let size = 0;
  let stream: StreamingPut | undefined;
  return {
    async write(chunk) {
      size += chunk.length;
      if (!stream && size > SMALL_ARTIFACT_BYTES && options.large.open) {
        stream = options.large.open(options.jobId);
        for (const held of chunks) await stream.write(held);
        chunks = [];
      }
      if (stream) await stream.write(chunk);
      else chunks.push(chunk);
    },
    async end(sha256) {
      if (stream) {
        await stream.commit(sha256);
        kept.set(name, { storage: options.large.kind });
        return { storage: options.large.kind };
      }
      kept.set(name, { bytes: Buffer.concat(chunks) });
      chunks = [];
      return { storage: size <= SMALL_ARTIFACT_BYTES ? 'db' : options.large.kind };
    },
    abort() {
      stream?.abort();
      chunks = [];
    },
  };
}
