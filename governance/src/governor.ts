import {
  type EnqueueOptions,
  type FeatureEnv,
  isFeatureEnabled,
  type QueueClient,
  specOptions,
  toQueueError,
} from '@jobforge/queue';
import {
  checkPolicyClaims,
  JobForgeError,
  type KeyInput,
  type PolicyClaims,
  type PolicyGrant,
  type PolicyTokenResult,
  toPublicKey,
  validatePolicyToken,
} from '@jobforge/sdk';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { newAjv } from './_ajv.js';
import type { AuditEntry } from './audit-append.js';
import { formatIssues, type Issue, toIssues } from './issues.js';
import {
  createTemplateCatalog,
  type StoredTemplate,
  type TemplateCatalog,
} from './template-catalog.js';

/** What a connector's metadata tells the governor about a `connector.run` job. */
export interface ConnectorFacts {
  /** The connector's input JSON Schema (validated like a template's payload schema). */
  inputSchema?: Record<string, unknown>;
  /** True when the operation writes to the outside world: enqueue then needs a grant. */
  writes: boolean;
}

export interface GovernorOptions {
  client: QueueClient;
  /** The tenant the client acts for, when it is bound to one (calls may name it instead). */
  tenantId?: string;
  /** Public keys whose policy tokens this host accepts. */
  policyKeys?: KeyInput[];
  /** Read for JOBFORGE_TEMPLATES_ENABLED, JOBFORGE_POLICY_ENABLED, JOBFORGE_AUDIT_ENABLED. */
  env?: FeatureEnv;
  /** For `connector.run`: facts about `payload.connector` / `payload.operation`. */
  connectorFacts?: (
    connector: string,
    operation: string | undefined,
  ) => Promise<ConnectorFacts | undefined>;
  templates?: TemplateCatalog;
}

export interface GovernedEnqueueOptions extends EnqueueOptions {
  projectId?: string;
  /** The policy token presented with the request (a compact JWT). */
  token?: string;
  /** Who asks (the token's `sub` wins when a token is given). */
  actor?: string;
  correlationId?: string;
}

/** The grant a job carries from enqueue to claim (and into its evidence). */
export interface StoredGrant {
  token_id: string;
  grant: PolicyGrant & { iss: string; sub?: string; action: string };
  expires_at: string;
}

export type Governor = ReturnType<typeof createGovernor>;

export const CONNECTOR_RUN = 'connector.run';

/**
 * Enqueue with governance: validates the payload against the type's template (defaults applied),
 * requires a policy token covering `enqueue:<type>` for a write template (or
 * `connector:<id>:write` for a writing connector), and records the request and the decision in
 * the audit log — all in the transaction that enqueues. With every flag off it is the plain
 * client's enqueue.
 *
 * @example
 * const governor = createGovernor({ client, policyKeys: [publicPem] });
 * await governor.enqueue('settler.notification.send', payload, { tenantId, token });
 */
export function createGovernor(options: GovernorOptions) {
  const { client } = options;
  const env = options.env ?? process.env;
  const catalog = options.templates ?? createTemplateCatalog(client.driver);
  const constraints = new Map<string, ValidateFunction>();
  // Parsed once: a PEM key costs a parse and a hash per use otherwise.
  const keys = (options.policyKeys ?? []).map((k) => toPublicKey(k));
  // Signatures verified once per token (a batch shares one; an agent reuses one for minutes); the
  // window, tenant, project and action are checked again at every use.
  const verified = new Map<string, Promise<PolicyTokenResult>>();

  async function checkToken(
    token: string,
    expect: Parameters<typeof checkPolicyClaims>[1],
  ): Promise<PolicyTokenResult> {
    let result = verified.get(token);
    if (!result) {
      result = validatePolicyToken(token, { keys });
      if (verified.size >= 1000) verified.clear();
      verified.set(token, result);
    }
    const signed = await result;
    // Only successes are kept: a token not valid *yet* must be looked at again later.
    if (!signed.ok) verified.delete(token);
    return signed.ok ? checkPolicyClaims(signed.claims, expect) : signed;
  }

  /**
   * The token's decision for one action, taken once per batch: every job of a batch that asks the
   * same token for the same action in the same tenant and project shares it (and its grant, which
   * the database then stores once).
   */
  function decide(
    batch: Batch,
    token: string,
    tenantId: string | undefined,
    projectId: string | undefined,
    action: string,
  ): Promise<Decision> {
    // By token first: the same token string hashes once, not once per job inside a longer key.
    let byToken = batch.decisions.get(token);
    if (!byToken) {
      byToken = new Map();
      batch.decisions.set(token, byToken);
    }
    const key = `${action}\n${tenantId ?? ''}\n${projectId ?? ''}`;
    let decision = byToken.get(key);
    if (!decision) {
      const expect = {
        ...(tenantId ? { tenantId } : {}),
        ...(projectId ? { projectId } : {}),
        action,
      };
      decision = checkToken(token, expect).then((result) =>
        result.ok
          ? { ok: true, claims: result.claims, grant: toGrant(result.claims, action) }
          : result,
      );
      byToken.set(key, decision);
    }
    return decision;
  }

  async function govern(
    type: string,
    payload: unknown,
    opts: GovernedEnqueueOptions,
    on: Flags,
    batch: Batch,
  ): Promise<{ payload: unknown; policy?: StoredGrant; audit: AuditEntry[] }> {
    let effect: 'read' | 'write' = 'read';
    let checked = payload;
    let action = `enqueue:${type}`;
    if (on.templates) {
      // Looked up once per type and batch: a batch is mostly one type.
      let template = batch.templates.get(type);
      if (!batch.templates.has(type)) {
        template = await catalog.get(type);
        batch.templates.set(type, template);
      }
      let schema: Record<string, unknown> | undefined;
      if (template) {
        const applied = catalog.apply(template, payload);
        if (applied.issues.length > 0) throw payloadInvalid(type, applied.issues);
        checked = applied.payload;
        effect = template.effect;
      } else if (type === CONNECTOR_RUN && options.connectorFacts) {
        const p = payload as { connector?: unknown; operation?: unknown; input?: unknown };
        if (typeof p?.connector === 'string') {
          const facts = await options.connectorFacts(
            p.connector,
            typeof p.operation === 'string' ? p.operation : undefined,
          );
          schema = facts?.inputSchema;
          if (facts?.writes) {
            effect = 'write';
            action = `connector:${p.connector}:write`;
          }
          if (schema) {
            const issues = check(schema, p.input).map((i) => ({ ...i, path: `/input${i.path}` }));
            if (issues.length > 0) throw payloadInvalid(type, issues);
          }
        }
      }
    }
    const actor = opts.actor ?? 'unknown';
    const audit: AuditEntry[] = [];
    if (!on.policy || effect === 'read') {
      if (on.audit) audit.push(requestEntry(actor, type, effect, opts));
      return { payload: checked, audit };
    }
    const tenantId = opts.tenantId ?? options.tenantId;
    const denial = { type, action, actor, tenantId, opts, audit: on.audit };
    if (!opts.token)
      throw await deny(
        denial,
        'POLICY_REQUIRED',
        `${type} is a write job: enqueue needs a policy token granting "${action}"`,
      );
    const result = await decide(batch, opts.token, tenantId, opts.projectId, action);
    if (!result.ok) throw await deny(denial, result.code, result.message);
    const { claims, grant } = result;
    if (claims.constraint) {
      const issues = constraintCheck(claims.constraint, checked);
      if (issues.length > 0)
        throw await deny(
          denial,
          'POLICY_CONSTRAINT_FAILED',
          `the payload is outside the token's constraint:\n${formatIssues(issues)}`,
          claims,
        );
    }
    const who = claims.sub ?? actor;
    if (on.audit)
      audit.push(requestEntry(who, type, effect, opts), {
        actor: who,
        action: 'policy.decision',
        decision: 'allowed',
        ...(opts.correlationId ? { correlation_id: opts.correlationId } : {}),
        details: { action, token_id: claims.jti, issuer: claims.iss },
      });
    return { payload: checked, policy: grant, audit };
  }

  /** A refusal, audited (when the audit flag is on) before it is thrown. */
  async function deny(
    d: {
      type: string;
      action: string;
      actor: string;
      tenantId: string | undefined;
      opts: GovernedEnqueueOptions;
      audit: boolean;
    },
    reason: string,
    message: string,
    claims?: PolicyClaims,
  ): Promise<JobForgeError> {
    if (d.audit && d.tenantId)
      await appendDenial(client, d.tenantId, {
        actor: claims?.sub ?? d.actor,
        action: 'policy.decision',
        decision: 'denied',
        target: `type:${d.type}`,
        ...(d.opts.projectId ? { project_id: d.opts.projectId } : {}),
        ...(d.opts.correlationId ? { correlation_id: d.opts.correlationId } : {}),
        details: { reason, action: d.action, ...(claims ? { token_id: claims.jti } : {}) },
      });
    return policyDenied(reason, message, d.action);
  }

  function check(schema: Record<string, unknown>, value: unknown): Issue[] {
    const key = JSON.stringify(schema);
    let validate = constraints.get(key);
    if (!validate) {
      validate = newAjv().compile(schema);
      if (constraints.size < 1000) constraints.set(key, validate);
    }
    return validate(value) ? [] : toIssues('PAYLOAD_INVALID', validate.errors);
  }
  function constraintCheck(schema: Record<string, unknown>, value: unknown): Issue[] {
    try {
      return check(schema, value);
    } catch (error) {
      return [
        {
          code: 'POLICY_CONSTRAINT_FAILED',
          path: '',
          message: `the constraint is not valid JSON Schema: ${(error as Error).message}`,
        },
      ];
    }
  }

  async function enqueueGoverned(
    jobs: { type: string; payload: unknown; opts: GovernedEnqueueOptions }[],
    shared: GovernedEnqueueOptions,
  ): Promise<{ ids: string[]; created: boolean | null }> {
    const on = flags(env);
    const tenantId = shared.tenantId ?? options.tenantId;
    const governed = [];
    const audit: (AuditEntry & { job_index: number })[] = [];
    const batch: Batch = { decisions: new Map(), templates: new Map() };
    for (const [i, job] of jobs.entries()) {
      const merged = Object.keys(job.opts).length === 0 ? shared : { ...shared, ...job.opts };
      const g = await govern(job.type, job.payload, merged, on, batch);
      governed.push({ job, g });
      for (const entry of g.audit) audit.push({ ...entry, job_index: i });
    }
    // A grant shared by jobs goes once, in p_grants, and each job names its index; a job alone
    // carries its grant inline.
    const grants: StoredGrant[] = [];
    const grantIndex = new Map<StoredGrant, number>();
    if (jobs.length > 1)
      for (const { g } of governed)
        if (g.policy && !grantIndex.has(g.policy)) {
          grantIndex.set(g.policy, grants.length);
          grants.push(g.policy);
        }
    const body = governed.map(({ job, g }) => ({
      ...specOptions(job.opts),
      type: job.type,
      payload: g.payload,
      ...(g.policy
        ? grantIndex.has(g.policy)
          ? { grant: grantIndex.get(g.policy) }
          : { policy: g.policy }
        : {}),
    }));
    let out: { ids?: string[]; created?: boolean | null; revoked?: string };
    try {
      const rows = await client.driver.query<{ r: typeof out }>(
        'select jobforge.jobforge_enqueue_governed($1::jsonb, $2, $3, $4::jsonb, $5::jsonb) as r',
        [
          JSON.stringify(body),
          tenantId ?? null,
          shared.projectId ?? null,
          audit.length > 0 ? JSON.stringify(audit) : null,
          grants.length > 0 ? JSON.stringify(grants) : null,
        ],
      );
      out = rows[0]!.r;
    } catch (error) {
      throw toQueueError(error, 'jobforge_enqueue_governed');
    }
    if (out.revoked) {
      const index = governed.findIndex(({ g }) => g.policy?.token_id === out.revoked);
      const job = jobs[index]!;
      if (on.audit && tenantId)
        await appendDenial(client, tenantId, {
          actor:
            governed[index]!.g.policy?.grant.sub ?? job.opts.actor ?? shared.actor ?? 'unknown',
          action: 'policy.decision',
          decision: 'denied',
          target: `type:${job.type}`,
          details: { reason: 'POLICY_REVOKED', token_id: out.revoked },
        });
      throw policyDenied(
        'POLICY_REVOKED',
        `policy token ${out.revoked} was revoked`,
        `enqueue:${job.type}`,
      );
    }
    return { ids: out.ids ?? [], created: out.created ?? null };
  }

  return {
    catalog,
    /** Enqueues one job under governance; `created` false when its idempotency key matched. */
    async enqueue(
      type: string,
      payload: unknown,
      opts: GovernedEnqueueOptions = {},
    ): Promise<{ id: string; created: boolean }> {
      const on = flags(env);
      if (!on.templates && !on.policy && !on.audit && opts.projectId === undefined)
        return client.enqueue(type, payload, opts);
      const { ids, created } = await enqueueGoverned([{ type, payload, opts }], opts);
      return { id: ids[0]!, created: created ?? true };
    },
    /** Enqueues many jobs in one transaction; one token (in `shared`) or one per job. */
    async enqueueMany(
      jobs: { type: string; payload: unknown; opts?: GovernedEnqueueOptions }[],
      shared: GovernedEnqueueOptions = {},
    ): Promise<string[]> {
      const on = flags(env);
      if (!on.templates && !on.policy && !on.audit && shared.projectId === undefined)
        return client.enqueueMany(
          jobs.map((j) => ({ ...j.opts, type: j.type, payload: j.payload })),
          shared.tenantId ? { tenantId: shared.tenantId } : {},
        );
      if (jobs.length === 0) return [];
      return (
        await enqueueGoverned(
          jobs.map((j) => ({ ...j, opts: j.opts ?? {} })),
          shared,
        )
      ).ids;
    },
  };
}

function requestEntry(
  actor: string,
  type: string,
  effect: 'read' | 'write',
  opts: GovernedEnqueueOptions,
): AuditEntry {
  return {
    actor,
    action: 'job.requested',
    ...(opts.correlationId ? { correlation_id: opts.correlationId } : {}),
    details: { type, effect },
  };
}

/** What one batch looks up once: token → `action, tenant, project` → decision; type → template. */
interface Batch {
  decisions: Map<string, Map<string, Promise<Decision>>>;
  templates: Map<string, StoredTemplate | undefined>;
}
type Decision =
  | Extract<PolicyTokenResult, { ok: false }>
  | { ok: true; claims: PolicyClaims; grant: StoredGrant };

function toGrant(claims: PolicyClaims, action: string): StoredGrant {
  return {
    token_id: claims.jti,
    grant: {
      tenant_id: claims.tenant_id,
      ...(claims.project_id ? { project_id: claims.project_id } : {}),
      actions: claims.actions,
      ...(claims.constraint ? { constraint: claims.constraint } : {}),
      iss: claims.iss,
      ...(claims.sub ? { sub: claims.sub } : {}),
      action,
    },
    expires_at: new Date(claims.exp * 1000).toISOString(),
  };
}

interface Flags {
  templates: boolean;
  policy: boolean;
  audit: boolean;
}
function flags(env: FeatureEnv): Flags {
  return {
    templates: isFeatureEnabled('templates', env),
    policy: isFeatureEnabled('policy', env),
    audit: isFeatureEnabled('audit', env),
  };
}

async function appendDenial(
  client: QueueClient,
  tenantId: string,
  entry: AuditEntry,
): Promise<void> {
  await client.driver.query('select jobforge.jobforge_audit_append($1::jsonb, $2) as r', [
    JSON.stringify([entry]),
    tenantId,
  ]);
}

function payloadInvalid(type: string, issues: Issue[]): JobForgeError {
  return Object.assign(
    new JobForgeError(
      'PAYLOAD_INVALID',
      `the payload does not match the template of ${type} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues)}`,
      { where: type, hint: `\`jobforge templates show ${type}\` prints the payload schema` },
    ),
    { issues },
  );
}

/** POLICY_DENIED with the failed check's code as `reason`; never retried. */
export function policyDenied(reason: string, message: string, action: string): JobForgeError {
  return Object.assign(
    new JobForgeError('POLICY_DENIED', `${reason}: ${message}`, {
      where: action,
      hint: '`jobforge policy issue` signs a token whose grant covers this action',
    }),
    { reason },
  );
}
