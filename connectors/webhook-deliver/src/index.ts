import {
  type ConnectorError,
  canonicalize,
  defineConnector,
  parsePayload,
  sha256Hex,
  signWebhook,
} from '@jobforge/sdk';
import { inputSchema, type WebhookDeliverInput } from './input-schema.js';
import { parseRetryAfter } from './retry-after.js';

export { inputSchema } from './input-schema.js';

/** The secret that signs deliveries: `whsec_` + base64, declared in permissions.secrets. */
export const SECRET = 'WEBHOOK_SIGNING_SECRET';

export interface WebhookDeliverOutput {
  delivered: true;
  status: number;
  message_id: string;
}

const fail = (error: ConnectorError): { ok: false; error: ConnectorError } => ({
  ok: false,
  error,
});

/**
 * Delivers one event as a Standard Webhooks request: body `{ type, timestamp, data }`, signed with the
 * SDK's signWebhook. One attempt per call: a 5xx, a 429 or a network failure is a retryable error
 * (with the server's Retry-After as retry_after_ms), so runConnector's retry policy and the queue
 * retry it, reusing the same message id so the receiver can de-duplicate.
 */
export default defineConnector<WebhookDeliverInput, WebhookDeliverOutput>(
  async ({ input, context }) => {
    const parsed = parsePayload(inputSchema, input.payload);
    if (!parsed.ok) return parsed;
    const { url, event, data = null, timeout_ms: timeoutMs = 10_000 } = parsed.data;
    const secret = context.secrets[SECRET];
    if (!secret)
      return fail({
        code: 'MISSING_CREDENTIALS',
        message: `the host passed no ${SECRET} secret; configure a whsec_ signing secret`,
        retryable: false,
      });
    // Stable across retries and re-runs of the same job, so receivers can de-duplicate.
    const messageId =
      parsed.data.message_id ?? `msg_${sha256Hex(canonicalize({ url, event, data })).slice(0, 32)}`;
    const body = JSON.stringify({ type: event, timestamp: new Date().toISOString(), data });
    let headers: Record<string, string>;
    try {
      headers = {
        ...signWebhook(secret, body, { id: messageId }),
        'content-type': 'application/json',
      };
    } catch (error) {
      return fail({ code: 'INVALID_SECRET', message: (error as Error).message, retryable: false });
    }
    if (context.dry_run)
      return fail({
        code: 'DRY_RUN',
        message: 'dry_run is set: nothing was sent',
        retryable: false,
      });
    const host = new URL(url).host;
    let response: Response;
    try {
      response = await context.fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      const cause =
        (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.message;
      return fail({
        code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
        message: timedOut
          ? `${host} did not answer within ${timeoutMs} ms`
          : `delivery to ${host} failed: ${cause}`,
        retryable: !context.signal.aborted,
      });
    }
    await response.body?.cancel();
    const status = response.status;
    context.logger.info('delivered', { status, message_id: messageId });
    if (status >= 200 && status < 300)
      return {
        ok: true,
        data: { delivered: true, status, message_id: messageId },
        evidence: { message_id: messageId, status, host },
      };
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    const retryable = status === 429 || status >= 500 || status === 408;
    return {
      ok: false,
      error: {
        code: status === 429 ? 'RATE_LIMITED' : retryable ? 'UPSTREAM_ERROR' : 'DELIVERY_REJECTED',
        message: `${host} answered HTTP ${status}${retryable ? '' : '; not retried: fix the endpoint or the event'}`,
        retryable,
        ...(retryable && retryAfter !== undefined ? { retry_after_ms: retryAfter } : {}),
      },
      evidence: { message_id: messageId, status, host },
    };
  },
);
