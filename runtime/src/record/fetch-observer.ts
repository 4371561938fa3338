import { describeUrl, type RunEventBody } from '@jobforge/sdk';
import {
  createRecordingFetch,
  createReplayFetch,
  type Recording,
  type RecordingFetch,
  type ReplayFetch,
} from '@jobforge/sdk/testing';
import type { EgressAnswer, EgressRequest } from '../child/proxied-fetch.js';
import type { RunRecording } from './run-recording.js';

/** Methods a dry run lets out: they do not change anything on the other side. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The header a dry run's synthetic answer carries, so a connector can recognise it. */
export const DRY_RUN_HEADER = 'x-jobforge-dry-run';

export type Send = (request: EgressRequest) => Promise<EgressAnswer>;

export interface FetchObserver {
  /** Serves one request: dry-run block, replay, or the real egress (captured when asked). */
  fetch(request: EgressRequest, send: Send): Promise<EgressAnswer>;
  /** The redacted recording when `capture` was on. */
  recording(): Recording | undefined;
  /** Replay requests that matched no recorded exchange. */
  readonly unmatched: string[];
}

/**
 * Watches a run's fetches on the host side of the egress proxy, where the connector cannot lie:
 * one `fetch` event per request (method, host, path without query values, status, bytes, time),
 * dry runs blocked past safe methods, exchanges captured or replayed with `@jobforge/sdk/testing`.
 */
export function createFetchObserver(
  record: RunRecording,
  options: { dryRun: boolean; secrets: Record<string, string>; emit: (e: RunEventBody) => void },
): FetchObserver {
  const unmatched: string[] = [];
  let current: Send | undefined;
  // The sdk's recorder and replayer work on fetch; the egress answer is turned into a Response and back.
  const viaEgress = (async (input: Request) =>
    toResponse(await current!(await toEgress(input)))) as typeof fetch;
  const recorder: RecordingFetch | undefined = record.capture
    ? createRecordingFetch(viaEgress, { secrets: options.secrets })
    : undefined;
  const replayer: ReplayFetch | undefined = record.replay
    ? createReplayFetch(record.replay, { secrets: options.secrets })
    : undefined;
  return {
    unmatched,
    recording: () => recorder?.recording(),
    async fetch(request, send) {
      const started = performance.now();
      const where = describeUrl(request.url);
      const method = request.method.toUpperCase();
      if (options.dryRun && !SAFE_METHODS.has(method)) {
        options.emit({
          kind: 'dry_run_blocked',
          at: now(),
          method,
          ...where,
          code: 'DRY_RUN_BLOCKED',
        });
        return dryRunAnswer(request, method, where);
      }
      let answer: EgressAnswer;
      if (replayer) {
        try {
          answer = await fromResponse(await replayer.fetch(await toRequest(request)));
        } catch (error) {
          const message = (error as Error).message;
          unmatched.push(message);
          answer = { ok: false, code: 'REPLAY_UNMATCHED', message };
        }
      } else if (recorder) {
        current = send;
        try {
          answer = await fromResponse(await recorder.fetch(await toRequest(request)));
        } catch (error) {
          const code = (error as { code?: string }).code ?? 'NETWORK_ERROR';
          answer = { ok: false, code, message: (error as Error).message };
        }
      } else {
        answer = await send(request);
      }
      options.emit({
        kind: 'fetch',
        at: now(),
        method,
        ...where,
        ...(answer.ok
          ? { status: answer.status, bytes: Buffer.byteLength(answer.body, 'base64') }
          : { code: answer.code }),
        duration_ms: Math.round(performance.now() - started),
      });
      return answer;
    },
  };
}

function now(): string {
  return new Date().toISOString();
}

function dryRunAnswer(
  request: EgressRequest,
  method: string,
  where: { host: string; path: string },
): EgressAnswer {
  const body = JSON.stringify({ dry_run: true, blocked: { method, ...where } });
  return {
    ok: true,
    status: 200,
    statusText: 'OK',
    headers: [
      ['content-type', 'application/json'],
      [DRY_RUN_HEADER, 'blocked'],
    ],
    body: Buffer.from(body).toString('base64'),
    url: request.url,
  };
}

async function toRequest(request: EgressRequest): Promise<Request> {
  const body = request.body === null ? null : Buffer.from(request.body, 'base64');
  return new Request(request.url, { method: request.method, headers: request.headers, body });
}

async function toEgress(request: Request): Promise<EgressRequest> {
  const bytes = request.body === null ? null : Buffer.from(await request.arrayBuffer());
  return {
    url: request.url,
    method: request.method,
    headers: [...request.headers.entries()],
    body: bytes === null ? null : bytes.toString('base64'),
  };
}

/** An egress failure becomes a rejected fetch carrying its code, as the child's fetch would. */
function toResponse(answer: EgressAnswer): Response {
  if (!answer.ok) throw Object.assign(new Error(answer.message), { code: answer.code });
  const noBody = [101, 103, 204, 205, 304].includes(answer.status);
  const response = new Response(noBody ? null : Buffer.from(answer.body, 'base64'), {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
  Object.defineProperty(response, 'url', { value: answer.url });
  return response;
}

async function fromResponse(response: Response): Promise<EgressAnswer> {
  return {
    ok: true,
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers.entries()],
    body: Buffer.from(await response.arrayBuffer()).toString('base64'),
    url: response.url,
  };
}
