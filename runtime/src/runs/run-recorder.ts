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
import type { ArtifactStore } from './artifact-store.js';
import type { StoredEntry } from './read-run.js';
import { buildReceipt, receiptBytes } from './run-receipt.js';
import { renderSummary } from './run-summary.js';

/** Events one attempt keeps; past it one `truncated` event says so and the rest are dropped. */
export const MAX_EVENTS_PER_ATTEMPT = 2000;
/** Artifacts at most this big go to the database; bigger ones to the large store. */
export const SMALL_ARTIFACT_BYTES = 64 * 1024;

/** Where a recorder writes: the queue's runs client satisfies it. */
export interface RunSink {
  appendRunEvents(jobId: string, attempt: number, events: readonly object[]): Promise<number>;
  putRunManifest(
    jobId: string,
    attempt: number,
    manifest: object,
    manifestSha256: string,
  ): Promise<boolean>;
}

export interface RunRecorderOptions {
  jobId: string;
  attempt: number;
  sink: RunSink;
  /** Small items (the database store). */
  small: ArtifactStore;
  /** Everything bigger (the filesystem or an object store). */
  large: ArtifactStore;
  /** Keep the HTTP exchanges for replay. */
  capture?: boolean;
  /** The input as the connector receives it: kept as `input.json`. */
  input: { operation: string; payload: unknown };
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
 * Makes one attempt of a job a record: streams its events to the database as they happen (one
 * write in flight, the rest batched behind it), builds the artifacts the evidence signs when the
 * runtime seals the run, then stores them with the receipt and summary and writes the manifest.
 *
 * @example
 * const recorder = createRunRecorder({ jobId, attempt, sink: runs, small, large, input });
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
  let truncated = false;
  const sealed = new Map<string, { bytes: Buffer; media_type: string }>();
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
        flush();
      });
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
    flush();
  };
  // `finished` always gets in, even after truncation, so a record always says how the run ended.
  const onEvent = (body: RunEventBody) => {
    if (body.kind === 'finished' && truncated) truncated = false;
    event(body);
  };

  const seal = (ended: RunEnded): ArtifactManifest => {
    const add = (name: string, bytes: Buffer, media_type: string) =>
      sealed.set(name, { bytes, media_type });
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
    manifest = buildManifest(
      [...sealed].map(([name, a]) => ({
        name,
        media_type: a.media_type,
        size: a.bytes.length,
        sha256: sha256Hex(a.bytes),
      })),
    );
    return manifest;
  };

  return {
    record: { onEvent, capture: options.capture ?? false, seal },
    event,
    async finish(run) {
      await flushing;
      flush();
      await flushing;
      const signed =
        manifest ??
        seal({
          outcome: run.ok ? { ok: true, data: run.data } : { ok: false, error: run.error },
          unmatched: [],
        });
      const receipt = buildReceipt({ jobId, attempt }, run.evidence);
      const output = sealed.get('output.json')!.bytes;
      const derived: [string, Buffer, string][] = [
        ['run_receipt.json', receiptBytes(receipt), 'application/json'],
        ['summary.md', Buffer.from(renderSummary(receipt, events, output)), 'text/markdown'],
        ['evidence.json', Buffer.from(`${canonicalize(run.evidence)}\n`), 'application/json'],
      ];
      const store = async (bytes: Buffer) => {
        const target = bytes.length <= SMALL_ARTIFACT_BYTES ? options.small : options.large;
        await target.put(jobId, bytes);
        return target.kind;
      };
      const artifacts: StoredManifestView['artifacts'] = [];
      for (const entry of signed.artifacts)
        artifacts.push({
          ...entry,
          signed: true,
          storage: await store(sealed.get(entry.name)!.bytes),
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
      await sink.putRunManifest(jobId, attempt, view, view.manifest_sha256);
      return view;
    },
  };
}
