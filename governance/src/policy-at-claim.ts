import {
  type ClaimedJob,
  type FeatureEnv,
  isFeatureEnabled,
  JobFailure,
  type JobHandler,
  type QueueDriver,
} from '@jobforge/queue';
import {
  canonicalize,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  type KeyInput,
  POLICY_LEEWAY_SECONDS,
  STATEMENT_TYPE,
  sha256Hex,
  signPayload,
} from '@jobforge/sdk';
import { appendAudit } from './audit-append.js';
import type { StoredGrant } from './governor.js';
import { createTemplateCatalog, type TemplateCatalog } from './template-catalog.js';

/** predicateType of the statement that binds a run's evidence to the grant it ran under. */
export const GOVERNED_RUN_PREDICATE_TYPE = 'https://jobforge.dev/governed-run/v1';

export interface PolicyCheckOptions {
  driver: QueueDriver;
  /** The host key: the grant and the run's own evidence are signed together with it. */
  signingKey?: KeyInput;
  env?: FeatureEnv;
  templates?: TemplateCatalog;
  /** Tolerated clock skew on a grant's expiry (default POLICY_LEEWAY_SECONDS). */
  leewaySeconds?: number;
  now?: () => Date;
}

/**
 * Wraps a worker's handlers so that every claimed job is checked again before it runs: a job of a
 * write template must carry a grant, and that grant must be neither expired nor revoked by now;
 * otherwise the job fails with POLICY_DENIED (not retried) and the denial is audited. A job that
 * carries a grant runs with its evidence wrapped in a statement, signed with the host key, holding
 * the token id and grant (never the token) and the run's own evidence.
 *
 * @example
 * runWorker({ client, handlers: withPolicyCheck(handlers, { driver, signingKey }) });
 */
export function withPolicyCheck(
  handlers: Record<string, JobHandler>,
  options: PolicyCheckOptions,
): Record<string, JobHandler> {
  const env = options.env ?? process.env;
  const catalog = options.templates ?? createTemplateCatalog(options.driver);
  const leeway = (options.leewaySeconds ?? POLICY_LEEWAY_SECONDS) * 1000;
  const wrapped: Record<string, JobHandler> = {};
  for (const [type, handler] of Object.entries(handlers)) {
    wrapped[type] = async (job, ctx) => {
      if (!isFeatureEnabled('policy', env)) return handler(job, ctx);
      const [stored] = (
        await options.driver.query<{ r: (StoredGrant & { revoked: boolean })[] }>(
          'select jobforge.jobforge_job_policy_check($1::bigint[]) as r',
          [[job.id]],
        )
      )[0]!.r;
      const template = stored ? undefined : await catalog.get(job.type);
      const now = (options.now ?? (() => new Date()))();
      const reason = stored
        ? stored.revoked
          ? `POLICY_REVOKED: policy token ${stored.token_id} was revoked after the job was enqueued`
          : Date.parse(stored.expires_at) + leeway <= now.getTime()
            ? `POLICY_EXPIRED: the grant of token ${stored.token_id} expired at ${stored.expires_at}, before the job was claimed`
            : undefined
        : template?.effect === 'write'
          ? `POLICY_REQUIRED: ${job.type} is a write job and carries no grant`
          : undefined;
      if (reason) {
        if (isFeatureEnabled('audit', env))
          await appendAudit(options.driver, job.tenant_id, [
            {
              actor: ctx.workerId,
              action: 'policy.decision',
              decision: 'denied',
              target: `job:${job.id}`,
              details: {
                at: 'claim',
                reason: reason.slice(0, reason.indexOf(':')),
                ...(stored ? { token_id: stored.token_id } : {}),
              },
            },
          ]);
        throw new JobFailure('POLICY_DENIED', reason, { retryable: false });
      }
      if (!stored || !options.signingKey) return handler(job, ctx);
      let inner: unknown = null;
      const sign = () => bindGrant(job, stored, inner, options.signingKey!);
      try {
        const result = await handler(job, {
          ...ctx,
          setEvidence: (e) => {
            inner = e;
          },
        });
        ctx.setEvidence(sign());
        return result;
      } catch (error) {
        if (error instanceof JobFailure) {
          inner = error.evidence ?? inner;
          throw new JobFailure(error.code, error.message, {
            retryable: error.retryable,
            ...(error.retryInMs === undefined ? {} : { retryInMs: error.retryInMs }),
            evidence: sign(),
            cause: error,
          });
        }
        ctx.setEvidence(sign());
        throw error;
      }
    };
  }
  return wrapped;
}

function bindGrant(
  job: ClaimedJob,
  stored: StoredGrant,
  runEvidence: unknown,
  key: KeyInput,
): DsseEnvelope {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: `job:${job.id}`, digest: { sha256: sha256Hex(canonicalize(job.payload)) } }],
    predicateType: GOVERNED_RUN_PREDICATE_TYPE,
    predicate: {
      job_id: job.id,
      tenant_id: job.tenant_id,
      type: job.type,
      attempt_no: job.attempts,
      policy: { token_id: stored.token_id, grant: stored.grant, expires_at: stored.expires_at },
      run_evidence: runEvidence ?? null,
    },
  };
  return signPayload(IN_TOTO_PAYLOAD_TYPE, canonicalize(statement), key);
}
