import { submitEvent } from '@jobforge/queue';
import { JobForgeError } from '@jobforge/sdk';
import { API_ROUTES } from '@jobforge/sdk/api';
import type { Hono } from 'hono';
import type { AuditEntry } from '../authenticate.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../json-body.js';
import { registerRoute } from '../register-route.js';
import type { ServerEnv } from '../server-env.js';
import type { TenantSessions } from '../tenant-sessions.js';
import { verifyProvider, type WebhookScheme } from './verify-provider.js';

/** One webhook sender: whose tenant its events belong to, its scheme and secrets. */
export interface WebhookSource {
  tenantId: string;
  scheme: WebhookScheme;
  /** Several while a secret rotates; any one may sign. */
  secrets: string[];
  /** The replay window for schemes that sign a timestamp (default 300 s). */
  toleranceSeconds?: number;
  projectId?: string;
}

/**
 * POST /v1/webhooks/:source: verifies the delivery against the source's configuration, then stores
 * it as an event for the configured tenant (never one the sender names). A bad, missing or stale
 * signature is 401 and an audit row, never an event; a replayed delivery (same id) is answered
 * with the first event and `duplicate: true`, and stores nothing new.
 */
export function mountWebhooks(
  app: Hono<ServerEnv>,
  options: {
    sessions: TenantSessions;
    sources: Record<string, WebhookSource>;
    audit: (entry: AuditEntry) => void;
  },
): void {
  registerRoute(app, API_ROUTES.receiveWebhook, async ({ params, c }) => {
    const source = Object.hasOwn(options.sources, params.source)
      ? options.sources[params.source]
      : undefined;
    if (!source) {
      throw new JobForgeError(
        'WEBHOOK_SOURCE_UNKNOWN',
        `no webhook source "${params.source}" is configured`,
        {
          hint: "add it to the server's webhook sources (jobforge serve --webhooks FILE)",
        },
      );
    }
    const body = await c.req.text();
    if (jsonDepth(body) > MAX_JSON_DEPTH) {
      throw new JobForgeError(
        'MALFORMED_JSON',
        `the body nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    const checked = verifyProvider(
      source.scheme,
      source.secrets,
      body,
      (name) => c.req.header(name),
      {
        source: params.source,
        ...(source.toleranceSeconds !== undefined
          ? { toleranceSeconds: source.toleranceSeconds }
          : {}),
      },
    );
    if (!checked.ok) {
      options.audit({
        tenantId: source.tenantId,
        keyPrefix: null,
        action: `POST /v1/webhooks/${params.source}`,
        outcome: `WEBHOOK_${checked.reason}`,
        status: 401,
        requestId: c.get('requestId'),
        detail: { source: params.source, scheme: source.scheme },
      });
      throw new JobForgeError('WEBHOOK_SIGNATURE_INVALID', `${params.source}: ${checked.message}`);
    }
    const data = safeJson(body);
    const { event, created } = await submitEvent(options.sessions.forTenant(source.tenantId), {
      id: checked.id,
      source: `webhook/${params.source}`,
      type: checked.type,
      ...(checked.time ? { time: checked.time } : {}),
      data: data === undefined ? body : data,
      ...(data === undefined ? { datacontenttype: 'text/plain' } : {}),
      ...(source.projectId ? { projectId: source.projectId } : {}),
      traceId: c.get('requestId'),
    });
    return {
      status: created ? 202 : 200,
      body: { event_id: event.id, seq: event.seq, duplicate: !created },
    };
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
