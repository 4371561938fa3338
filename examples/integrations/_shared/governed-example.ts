// The frame every integration example shares: an in-memory queue with governance on, a local
// HTTP server standing in for the adapter's service, the adapter's template pack installed, one
// job enqueued with a policy token, a worker whose handler calls the http-request reference
// connector, and the audit chain verified at the end. Each example supplies only what differs.
import { randomUUID } from 'node:crypto';
import './enable-governance.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addTemplates,
  createGovernor,
  type JobTemplate,
  loadTemplateFile,
  signCheckpoint,
  verifyAudit,
  withPolicyCheck,
} from '@jobforge/governance';
import {
  createPgliteDriver,
  createQueueClient,
  JobFailure,
  migrate,
  runWorker,
  silentLogger,
} from '@jobforge/queue';
import { generateSigningKeyPair, issuePolicyToken, runConnector } from '@jobforge/sdk';
import httpRequest from '../../../connectors/http-request/src/index.js';

export interface ExampleSpec {
  /** The template pack file (or the templates themselves). */
  pack: string | JobTemplate[];
  type: string;
  /** The payload, given the local service's base URL. */
  payload: (base: string) => Record<string, unknown>;
  /** What the local service answers. */
  serve: (req: IncomingMessage, body: unknown, res: ServerResponse) => void;
  /** The HTTP request the handler makes for a payload. */
  request: (
    payload: Record<string, unknown>,
    base: string,
  ) => {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    body?: unknown;
  };
}

export async function runExample(spec: ExampleSpec): Promise<Record<string, unknown>> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => spec.serve(req, text ? JSON.parse(text) : null, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const driver = await createPgliteDriver();
  try {
    await migrate(driver);
    const templates = typeof spec.pack === 'string' ? await loadTemplateFile(spec.pack) : spec.pack;
    await addTemplates(driver, templates, { actor: 'example', audit: true });
    const tenantId = randomUUID();
    const issuer = generateSigningKeyPair();
    const host = generateSigningKeyPair();
    const client = createQueueClient(driver, { tenantId });
    const governor = createGovernor({ client, tenantId, policyKeys: [issuer.publicKeyPem] });
    const effect = templates.find((t) => t.type === spec.type)?.effect;
    const { token } =
      effect === 'write'
        ? await issuePolicyToken(
            { tenant_id: tenantId, actions: [`enqueue:${spec.type}`] },
            {
              privateKey: issuer.privateKeyPem,
              issuer: 'example-ops',
              subject: 'example-agent',
              ttlSeconds: 300,
            },
          )
        : { token: undefined };
    const { id } = await governor.enqueue(spec.type, spec.payload(base), {
      ...(token ? { token } : {}),
      actor: 'example-agent',
    });

    const worker = await runWorker({
      client,
      logger: silentLogger,
      handlers: withPolicyCheck(
        {
          [spec.type]: async (job, ctx) => {
            const result = await runConnector(httpRequest, {
              config: { retry_policy: { max_retries: 0 } },
              input: {
                operation: 'http-request.send',
                payload: spec.request(job.payload, base) as never,
              },
              context: { tenant_id: job.tenant_id, job_id: job.id, signal: ctx.signal },
            });
            ctx.setEvidence(result.evidence);
            if (!result.ok) throw new JobFailure(result.error.code, result.error.message);
            return result.data;
          },
        },
        { driver, signingKey: host.privateKeyPem },
      ),
    });
    let job = await client.get(id);
    for (let i = 0; i < 500 && job && !['succeeded', 'dead'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 20));
      job = await client.get(id);
    }
    await worker.stop();
    await signCheckpoint(driver, host.privateKeyPem, tenantId);
    const audit = await verifyAudit(driver, { publicKeys: [host.publicKeyPem], tenantId });
    const summary = {
      type: spec.type,
      effect,
      status: job?.status,
      result: pick(job?.results[0]?.result),
      audit: { ok: audit.ok, rows: audit.tenants[0]?.rows ?? 0 },
    };
    console.log(JSON.stringify(summary, null, 2));
    return summary;
  } finally {
    await driver.close();
    server.close();
  }
}

/** What the service answered: status and body (not headers, which carry the date). */
function pick(result: unknown): unknown {
  const r = result as { status?: number; body?: unknown } | undefined;
  return r && { status: r.status, body: r.body };
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
