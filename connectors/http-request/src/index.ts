import { type ConnectorError, defineConnector, type JsonValue, parsePayload } from '@jobforge/sdk';
import { type HttpRequestInput, inputSchema } from './input-schema.js';
import { readLimited } from './read-limited.js';

export { inputSchema } from './input-schema.js';

/** Responses larger than this are refused rather than buffered. */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export interface HttpRequestOutput {
  status: number;
  /** True for a 2xx status. */
  ok: boolean;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON when the response says it is JSON, otherwise the text. */
  body: JsonValue;
}

const fail = (
  code: string,
  message: string,
  retryable: boolean,
): { ok: false; error: ConnectorError } => ({
  ok: false,
  error: { code, message, retryable },
});

/**
 * One HTTP request through `context.fetch` (the host applies the network policy). Any status is a
 * result, not an error: the caller decides what a 404 means. Network failures and timeouts are
 * retryable errors; a response over 5 MiB is refused.
 */
export default defineConnector<HttpRequestInput, HttpRequestOutput>(async ({ input, context }) => {
  const parsed = parsePayload(inputSchema, input.payload);
  if (!parsed.ok) return parsed;
  const { url, headers = {}, body, timeout_ms: timeoutMs = 10_000 } = parsed.data;
  const method = parsed.data.method ?? (body === undefined ? 'GET' : 'POST');
  if (context.dry_run) return fail('DRY_RUN', 'dry_run is set: the request was not sent', false);
  const sent = { ...headers };
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(sent).some((h) => h.toLowerCase() === 'content-type'))
      sent['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await context.fetch(url, {
      method,
      headers: sent,
      ...(payload !== undefined ? { body: payload } : {}),
      redirect: 'manual',
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    const name = (error as Error)?.name;
    if (name === 'TimeoutError')
      return fail('TIMEOUT', `no response from ${new URL(url).host} within ${timeoutMs} ms`, true);
    if (context.signal.aborted) return fail('ABORTED', 'the call was aborted', false);
    const cause =
      (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.message;
    return fail('NETWORK_ERROR', `request to ${new URL(url).host} failed: ${cause}`, true);
  }
  const raw = await readLimited(response, MAX_RESPONSE_BYTES);
  if (raw === undefined)
    return fail(
      'RESPONSE_TOO_LARGE',
      `the response is larger than ${MAX_RESPONSE_BYTES} bytes`,
      false,
    );
  const text = raw.toString('utf8');
  const type = response.headers.get('content-type') ?? '';
  let parsedBody: JsonValue = text;
  if (/[/+]json\b/i.test(type) && text !== '') {
    try {
      parsedBody = JSON.parse(text) as JsonValue;
    } catch {
      parsedBody = text; // a server that mislabels its body still gets its text returned
    }
  }
  context.logger.info('response', { status: response.status, bytes: raw.length });
  return {
    ok: true,
    data: {
      status: response.status,
      ok: response.status >= 200 && response.status < 300,
      headers: Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v])),
      body: parsedBody,
    },
    evidence: { method, host: new URL(url).host, status: response.status },
  };
});
