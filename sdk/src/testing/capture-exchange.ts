import { encodeBody } from './recorded-body.js';
import type { RecordedRequest, RecordedResponse } from './recording-schema.js';

/**
 * Headers that describe the transport rather than the exchange: fetch has already decoded the body
 * (so `content-encoding` would lie on replay), lengths are recomputed, and `date` only adds noise to
 * a reviewed fixture.
 */
const TRANSPORT_HEADERS = new Set([
  'connection',
  'content-encoding',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
]);

/** Reads what a connector asked for, leaving `request` itself unread so it can still be sent. */
export async function captureRequest(request: Request): Promise<RecordedRequest> {
  const headers = headersRecord(request.headers);
  const bytes = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : undefined;
  const body = bytes ? encodeBody(bytes, headers['content-type']) : undefined;
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    headers,
    ...(body ? { body } : {}),
  };
}

/** Reads a whole response; the caller hands the connector a copy built from the same bytes. */
export async function captureResponse(
  response: Response,
): Promise<{ recorded: RecordedResponse; bytes: Uint8Array }> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = headersRecord(response.headers);
  const body = encodeBody(bytes, headers['content-type']);
  return { recorded: { status: response.status, headers, ...(body ? { body } : {}) }, bytes };
}

function headersRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (TRANSPORT_HEADERS.has(name)) continue;
    // Headers yields each set-cookie on its own; every other name arrives already combined.
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}
