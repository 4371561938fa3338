import { encodeBody } from './recorded-body.js';
import type { RecordedRequest, RecordedResponse } from './recording-schema.js';

/**
 * fetch has already decoded the body, so on replay `content-encoding` would lie; every other header
 * is kept as the connector saw it (a replay sets `content-length` to the bytes it serves).
 */
const FRAMING_HEADERS = new Set(['content-encoding']);

/** Reads what a connector asked for, leaving `request` itself unread so it can still be sent. */
export async function captureRequest(request: Request): Promise<RecordedRequest> {
  const headers = headersRecord(request.headers);
  delete headers['content-length'];
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
  if (response.headers.has('content-encoding')) delete headers['content-length'];
  const body = encodeBody(bytes, headers['content-type']);
  return { recorded: { status: response.status, headers, ...(body ? { body } : {}) }, bytes };
}

function headersRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (FRAMING_HEADERS.has(name)) continue;
    // Headers yields each set-cookie on its own; every other name arrives already combined.
    out[name] = name in out ? `${out[name]}, ${value}` : value;
  }
  return out;
}
