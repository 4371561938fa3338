import { randomUUID } from 'node:crypto';
import {
  type JobHandler,
  type QueueClient,
  type QueueDriver,
  runWorker,
  silentLogger,
} from '@jobforge/queue';
import { issuePolicyToken, verifyEnvelope } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckpoint } from '../src/audit-checkpoint.js';
import { listAudit } from '../src/audit-list.js';
import { verifyAudit } from '../src/audit-verify.js';
import { createGovernor } from '../src/governor.js';
import { withPolicyCheck } from '../src/policy-at-claim.js';
import { revokeToken } from '../src/revoke-token.js';
import { checkTemplateFile } from '../src/template-file.js';
import { addTemplates, disableTemplate } from '../src/template-store.js';
import { ALL_ON, DRIVERS, governed, until } from './_setup.js';

const notify = { to: 'ops@example.com', channel: 'email' };

describe.each(DRIVERS)('governance on $name', ({ open }) => {
  let driver: QueueDriver;
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(async () => {
    if (driver.kind === 'pglite') await driver.close();
  });

  /** A worker running test.notify behind the policy check at claim. */
  const checkedWorker = (client: QueueClient, signingKey: string, handler: JobHandler) =>
    runWorker({
      client,
      logger: silentLogger,
      handlers: withPolicyCheck({ 'test.notify': handler }, { driver, env: ALL_ON, signingKey }),
    });

  async function setup(env: Record<string, string> = ALL_ON) {
    const g = await governed(driver);
    const governor = createGovernor({
      client: g.client,
      tenantId: g.tenantId,
      policyKeys: [g.policyKey.publicKeyPem],
      env,
    });
    const token = (grant: Partial<Parameters<typeof issuePolicyToken>[0]> = {}, opts = {}) =>
      issuePolicyToken(
        { tenant_id: g.tenantId, actions: ['enqueue:test.notify'], ...grant },
        { privateKey: g.policyKey.privateKeyPem, issuer: 'ops', subject: 'agent-7', ...opts },
      ).then((t) => t.token);
    return { ...g, governor, token };
  }

  it('validates a payload against its template: every problem with its pointer, defaults filled', async () => {
    const { governor, client, token } = await setup();
    const error = await governor
      .enqueue('test.notify', { to: 'x', channel: 'fax', extra: 1 }, { token: await token() })
      .catch((e) => e);
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      '/channel',
      '/extra',
      '/to',
    ]);
    const { id } = await governor.enqueue('test.notify', notify, { token: await token() });
    expect((await client.get(id))!.payload).toEqual({ ...notify, retries: 2, priority: 'normal' });
    // A read template needs no token.
    await expect(governor.enqueue('test.report', { month: '2026-13x' })).rejects.toMatchObject({
      code: 'PAYLOAD_INVALID',
    });
    expect((await governor.enqueue('test.report', { month: '2026-11' })).created).toBe(true);
  });

  it('refuses a template whose payload schema is not JSON Schema, and a changed version', async () => {
    const bad = checkTemplateFile({
      $schema: 'x',
      type: 'bad.type',
      effect: 'read',
      payload_schema: { type: 'object', properties: { a: { type: 'strin' } } },
    });
    expect(bad.issues).toMatchObject([{ code: 'TEMPLATE_INVALID', path: '/payload_schema' }]);
    expect(checkTemplateFile({ type: 'x', effect: 'maybe' }).issues.length).toBeGreaterThan(0);
    const type = `t${randomUUID().slice(0, 8)}.x`;
    const base = { type, version: 1, effect: 'read' as const, payload_schema: { type: 'object' } };
    await addTemplates(driver, [base], { actor: 't', audit: false });
    await expect(
      addTemplates(driver, [{ ...base, effect: 'write' }], { actor: 't', audit: false }),
    ).rejects.toMatchObject({ code: 'TEMPLATE_CONFLICT' });
    expect(await disableTemplate(driver, type, { actor: 't', audit: true })).toBe(1);
  });

  it('with every flag off, enqueue is the plain enqueue: no validation, no token, no audit', async () => {
    const { governor, client, tenantId } = await setup({});
    const { id } = await governor.enqueue('test.notify', { anything: true });
    expect((await client.get(id))!.payload).toEqual({ anything: true });
    expect(await listAudit(driver, { tenantId })).toEqual([]);
  });

  it('refuses a write job without a token, and audits the refusal; runs it with one', async () => {
    const { governor, token, tenantId } = await setup();
    await expect(
      governor.enqueue('test.notify', notify, { actor: 'agent-7' }),
    ).rejects.toMatchObject({
      code: 'POLICY_DENIED',
      reason: 'POLICY_REQUIRED',
    });
    const { id } = await governor.enqueue('test.notify', notify, {
      token: await token(),
      correlationId: 'c-1',
    });
    const rows = await listAudit(driver, { tenantId });
    expect(rows.map((r) => [r.action, r.decision, r.actor]).reverse()).toEqual([
      ['policy.decision', 'denied', 'agent-7'],
      ['job.requested', null, 'agent-7'],
      ['policy.decision', 'allowed', 'agent-7'],
    ]);
    expect(rows[0]!.target).toBe(`job:${id}`);
    expect(rows[0]!.correlation_id).toBe('c-1');
    expect(
      await listAudit(driver, { tenantId, action: 'policy.*', actor: 'agent-7' }),
    ).toHaveLength(2);
  });

  it.each([
    ['an unknown key', 'POLICY_KEY_UNKNOWN'],
    ['an expired token', 'POLICY_EXPIRED'],
    ['a token not valid yet', 'POLICY_NOT_YET_VALID'],
    ['another tenant', 'POLICY_TENANT_MISMATCH'],
    ['a grant too narrow', 'POLICY_ACTION_NOT_GRANTED'],
    ['a truncated token', 'POLICY_SIGNATURE_INVALID'],
    ['garbage', 'POLICY_TOKEN_MALFORMED'],
    ['a payload outside the constraint', 'POLICY_CONSTRAINT_FAILED'],
  ])('refuses %s with %s', async (what, reason) => {
    const { governor, token, policyKey } = await setup();
    const past = new Date(Date.now() - 3 * 3600_000);
    const other = (await import('@jobforge/sdk')).generateSigningKeyPair();
    const tokens: Record<string, () => Promise<string>> = {
      'an unknown key': () => token({}, { privateKey: other.privateKeyPem }),
      'an expired token': () => token({}, { now: past, ttlSeconds: 60 }),
      'a token not valid yet': () => token({}, { notBefore: new Date(Date.now() + 600_000) }),
      'another tenant': () => token({ tenant_id: randomUUID() }),
      'a grant too narrow': () => token({ actions: ['enqueue:test.report', 'connector:*:write'] }),
      'a truncated token': async () => (await token()).slice(0, -10),
      garbage: async () => 'not.a.jwt',
      'a payload outside the constraint': () =>
        token({ constraint: { properties: { channel: { const: 'sms' } } } }),
    };
    expect(policyKey).toBeDefined();
    await expect(
      governor.enqueue('test.notify', notify, { token: await tokens[what]!() }),
    ).rejects.toMatchObject({ code: 'POLICY_DENIED', reason });
  });

  it('tolerates a clock a minute off (documented leeway) and wildcards', async () => {
    const { governor, token } = await setup();
    const skewed = new Date(Date.now() - 60_000 - 50_000);
    // Issued by a clock 110 s behind, with a 60 s life: expired 50 s ago, within the 60 s leeway.
    const t = await token({ actions: ['enqueue:test.*'] }, { now: skewed, ttlSeconds: 60 });
    expect((await governor.enqueue('test.notify', notify, { token: t })).created).toBe(true);
  });

  it('refuses a revoked token at enqueue, and fails a job whose token was revoked before claim', async () => {
    const { governor, token, tenantId, client, hostKey } = await setup();
    const t = await token();
    const { id } = await governor.enqueue('test.notify', notify, { token: t });
    const jti = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti;
    expect(await revokeToken(driver, jti, tenantId, { actor: 'ops', audit: true })).toBe(true);
    await expect(governor.enqueue('test.notify', notify, { token: t })).rejects.toMatchObject({
      reason: 'POLICY_REVOKED',
    });
    let ran = 0;
    const worker = await checkedWorker(client, hostKey.privateKeyPem, async () => ran++);
    const job = await until('dead', async () => {
      const j = await client.get(id);
      return j?.status === 'dead' && j;
    });
    await worker.stop();
    expect(ran).toBe(0);
    expect(job.attempts).toBe(1);
    // Dead after one attempt of five: not retried.
    expect(job.last_error).toMatchObject({ code: 'POLICY_DENIED' });
    expect(job.last_error!.message).toMatch(/^POLICY_REVOKED/);
    const denied = await listAudit(driver, { tenantId, action: 'policy.decision' });
    expect(denied[0]).toMatchObject({ decision: 'denied', target: `job:${id}` });
  });

  it('stores a batch’s shared grant once; every job of it is checked at claim against it', async () => {
    const { governor, token, tenantId, client, hostKey } = await setup();
    const t = await token();
    const jti = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).jti;
    const batch = Array.from({ length: 5 }, (_, i) => ({
      type: 'test.notify',
      payload: { ...notify, to: `ops${i}@example.com` },
    }));
    const ids = await governor.enqueueMany(batch, { token: t });
    const kept = await governor.enqueueMany(batch.slice(0, 2), { token: await token() });
    const stored = await driver.query<{ rows: number; n: number; jobs: string[] }>(
      `select count(distinct id)::int as rows, count(*)::int as n, array_agg(j::text) as jobs
       from jobforge.jobforge_policy_grants, unnest(job_ids) j where token_id = $1`,
      [jti],
    );
    expect(stored[0]).toMatchObject({ rows: 1, n: 5 });
    expect(stored[0]!.jobs.sort()).toEqual([...ids].sort());
    const perJob = await driver.query<{ n: number }>(
      'select count(*)::int as n from jobforge.jobforge_job_policies where job_id = any($1::bigint[])',
      [ids],
    );
    expect(perJob[0]!.n).toBe(0);
    const check = async (jobIds: string[]) =>
      (
        await driver.query<{ r: { job_id: string; token_id: string; revoked: boolean }[] }>(
          'select jobforge.jobforge_job_policy_check($1::bigint[]) as r',
          [jobIds],
        )
      )[0]!.r;
    expect((await check(ids)).map((r) => r.job_id).sort()).toEqual([...ids].sort());
    expect(new Set((await check(ids)).map((r) => r.token_id))).toEqual(new Set([jti]));
    expect((await check(kept)).every((r) => r.token_id !== jti)).toBe(true);
    // Revoked after enqueue: every job of the batch fails at claim, none runs.
    expect(await revokeToken(driver, jti, tenantId, { actor: 'ops', audit: false })).toBe(true);
    let ran = 0;
    const worker = await checkedWorker(client, hostKey.privateKeyPem, async () => ran++);
    await until('batch dead', async () => {
      const jobs = await Promise.all(ids.map((id) => client.get(id)));
      return jobs.every((j) => j?.status === 'dead');
    });
    await until('others done', async () => {
      const jobs = await Promise.all(kept.map((id) => client.get(id)));
      return jobs.every((j) => j?.status === 'succeeded');
    });
    await worker.stop();
    expect(ran).toBe(2);
  });

  it('fails at claim a job whose grant expired in the queue; signs the grant into a run’s evidence', async () => {
    const { governor, token, client, hostKey } = await setup();
    const t = await token({}, { ttlSeconds: 120 });
    const late = await governor.enqueue('test.notify', notify, { token: t });
    const start = (now: () => Date) =>
      runWorker({
        client,
        logger: silentLogger,
        handlers: withPolicyCheck(
          {
            'test.notify': async (_job, ctx) => {
              ctx.setEvidence({ inner: true });
              return { sent: true };
            },
          },
          { driver, env: ALL_ON, signingKey: hostKey.privateKeyPem, now },
        ),
      });
    // The worker's clock is ten minutes on: the two-minute grant has expired by claim time.
    let worker = await start(() => new Date(Date.now() + 10 * 60_000));
    const dead = await until('dead', async () => {
      const j = await client.get(late.id);
      return j?.status === 'dead' && j;
    });
    await worker.stop();
    expect(dead.last_error!.message).toMatch(/^POLICY_EXPIRED/);
    const fine = await governor.enqueue('test.notify', notify, { token: t });
    worker = await start(() => new Date());
    const done = await until('succeeded', async () => {
      const j = await client.get(fine.id);
      return j?.status === 'succeeded' && j;
    });
    await worker.stop();
    const envelope = done.results[0]!.evidence;
    const verified = verifyEnvelope(envelope, 'application/vnd.in-toto+json', [
      hostKey.publicKeyPem,
    ]);
    expect(verified.ok).toBe(true);
    const statement = JSON.parse((verified as { statement: string }).statement);
    expect(statement.predicate.policy.grant.actions).toEqual(['enqueue:test.notify']);
    expect(statement.predicate.run_evidence).toEqual({ inner: true });
    expect(JSON.stringify(statement)).not.toContain(t);
  });

  it('takes connector.run input schemas and write marks from the host’s connector facts', async () => {
    const g = await governed(driver);
    const governor = createGovernor({
      client: g.client,
      tenantId: g.tenantId,
      policyKeys: [g.policyKey.publicKeyPem],
      env: ALL_ON,
      connectorFacts: async (connector) =>
        connector === 'webhook-deliver'
          ? { writes: true, inputSchema: { type: 'object', required: ['url'] } }
          : undefined,
    });
    const run = { connector: 'webhook-deliver', operation: 'webhook.deliver', input: { url: 'x' } };
    await expect(governor.enqueue('connector.run', run)).rejects.toMatchObject({
      reason: 'POLICY_REQUIRED',
    });
    const { token } = await issuePolicyToken(
      { tenant_id: g.tenantId, actions: ['connector:webhook-deliver:write'] },
      { privateKey: g.policyKey.privateKeyPem, issuer: 'ops' },
    );
    const bad = await governor
      .enqueue('connector.run', { ...run, input: {} }, { token })
      .catch((e) => e);
    expect(bad.issues).toEqual([expect.objectContaining({ path: '/input/url' })]);
    expect((await governor.enqueue('connector.run', run, { token })).created).toBe(true);
    // A connector the facts do not mark as writing needs no token.
    expect((await governor.enqueue('connector.run', { ...run, connector: 'echo' })).created).toBe(
      true,
    );
  });

  it('keeps the audit log append-only and finds a row a superuser edited, deleted or rewrote', async () => {
    const { governor, token, tenantId, hostKey } = await setup();
    for (let i = 0; i < 5; i++)
      await governor.enqueue('test.notify', notify, { token: await token() });
    await signCheckpoint(driver, hostKey.privateKeyPem, tenantId);
    const keys = { publicKeys: [hostKey.publicKeyPem], tenantId };
    expect(await verifyAudit(driver, keys)).toMatchObject({
      ok: true,
      tenants: [{ rows: 10, checkpoints: 1 }],
    });
    const where = `tenant_id = '${tenantId}'`;
    await expect(
      driver.query(`update jobforge.jobforge_audit_log set actor = 'x' where ${where}`),
    ).rejects.toThrow(/append-only/);
    await expect(
      driver.query(`delete from jobforge.jobforge_audit_log where ${where}`),
    ).rejects.toThrow(/append-only/);
    await expect(driver.query('truncate jobforge.jobforge_audit_log')).rejects.toThrow(
      /append-only/,
    );
    // A superuser can switch the trigger off; verify names what changed.
    const tamper = async (sql: string) => {
      await driver.query(
        'alter table jobforge.jobforge_audit_log disable trigger jobforge_audit_log_append_only',
      );
      try {
        await driver.query(sql);
      } finally {
        await driver.query(
          'alter table jobforge.jobforge_audit_log enable trigger jobforge_audit_log_append_only',
        );
      }
    };
    await tamper(
      `update jobforge.jobforge_audit_log set actor = 'someone-else' where ${where} and seq = 3`,
    );
    let report = await verifyAudit(driver, keys);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'AUDIT_ROW_ALTERED', seq: 3 }),
    ]);
    await tamper(`delete from jobforge.jobforge_audit_log where ${where} and seq in (7, 10)`);
    report = await verifyAudit(driver, keys);
    expect(report.problems.map((p) => [p.code, p.seq])).toEqual([
      ['AUDIT_ROW_ALTERED', 3],
      ['AUDIT_ROW_MISSING', 7],
      ['AUDIT_CHAIN_BROKEN', 8],
      ['AUDIT_CHECKPOINT_MISMATCH', 10],
    ]);
  });
});
