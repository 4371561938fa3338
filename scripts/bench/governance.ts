// npm run bench:governance [-- --n 2000 --audit-rows 1000000 --pg URL]
// Governed enqueue (template validated + policy token checked) against plain enqueue of the same
// payloads, one by one and in bulk (the two kinds of call interleaved, rates at the median call);
// audit append cost per event; `audit verify` over a chain of --audit-rows rows. On a throwaway PostgreSQL (startBenchServer) unless --pg names one.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateSigningKeyPair, issuePolicyToken } from '@jobforge/sdk';
import {
  addTemplates,
  appendAudit,
  createGovernor,
  loadTemplateFile,
  TEMPLATE_PACKS,
  verifyAudit,
} from '../../governance/src/index.js';
import { createPgDriver, createQueueClient, migrate } from '../../queue/src/index.js';
import { type BenchServer, startBenchServer } from './queue-server.js';

const { values: args } = parseArgs({
  options: {
    pg: { type: 'string', default: process.env.BENCH_PG },
    n: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '100' },
    'audit-rows': { type: 'string', default: '1000000' },
  },
});
const n = Number(args.n);
const batch = Number(args.batch);
const auditRows = Number(args['audit-rows']);

const server: BenchServer | undefined = args.pg ? undefined : await startBenchServer('auto');
const url = args.pg ?? server!.url;
process.stderr.write(`bench:governance on ${server?.description ?? 'the given server'}\n`);
const driver = createPgDriver({ connectionString: url, max: 4 });
try {
  await migrate(driver);
  await addTemplates(driver, await loadTemplateFile(TEMPLATE_PACKS.settler), {
    actor: 'bench',
    audit: false,
  });
  const tenantId = randomUUID();
  const issuer = generateSigningKeyPair();
  const { token } = await issuePolicyToken(
    { tenant_id: tenantId, actions: ['enqueue:settler.*'] },
    { privateKey: issuer.privateKeyPem, issuer: 'bench', ttlSeconds: 3600 },
  );
  const client = createQueueClient(driver, { tenantId });
  const env = (audit: boolean) => ({
    JOBFORGE_TEMPLATES_ENABLED: '1',
    JOBFORGE_POLICY_ENABLED: '1',
    ...(audit ? { JOBFORGE_AUDIT_ENABLED: '1' } : {}),
  });
  const governed = createGovernor({
    client,
    tenantId,
    policyKeys: [issuer.publicKeyPem],
    env: env(false),
  });
  const audited = createGovernor({
    client,
    tenantId,
    policyKeys: [issuer.publicKeyPem],
    env: env(true),
  });
  const type = 'settler.notification.send';
  const payload = (i: number) => ({
    recipient: `acct-${i}`,
    template: 'invoice.ready',
    url: 'https://example.com/hooks',
    channel: 'webhook',
  });

  const rate = async (count: number, fn: () => Promise<void>) => {
    const t0 = performance.now();
    await fn();
    return count / ((performance.now() - t0) / 1000);
  };
  const one = (enqueue: (i: number) => Promise<unknown>) =>
    rate(n, async () => {
      for (let i = 0; i < n; i++) await enqueue(i);
    });
  const jobs = (from: number) =>
    Array.from({ length: batch }, (_, k) => ({ type, payload: payload(from + k) }));
  // Plain and governed calls alternate (which goes first alternates too), and each side's rate is
  // taken from its median call: a burst of load from elsewhere on this shared machine lands on
  // both sides alike, and an outlier call moves neither.
  const paired = async (
    count: number,
    step: number,
    plain: (i: number) => Promise<unknown>,
    gov: (i: number) => Promise<unknown>,
  ): Promise<[number, number]> => {
    const spent: [number[], number[]] = [[], []];
    const timed = async (side: 0 | 1, i: number) => {
      const t0 = performance.now();
      await (side === 0 ? plain(i) : gov(i));
      spent[side].push(performance.now() - t0);
    };
    for (let i = 0; i < count; i += step) {
      const first = (i / step) % 2 === 0 ? 0 : 1;
      await timed(first, i);
      await timed(first === 0 ? 1 : 0, i);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    return [step / (median(spent[0]) / 1000), step / (median(spent[1]) / 1000)];
  };

  // Warm up both paths (JIT, the template cache, the compiled schema), then measure.
  await one((i) => client.enqueue(type, payload(i))).catch(() => {});
  await one((i) => governed.enqueue(type, payload(i), { token }));
  const rows: [string, number, number][] = [
    [
      'one by one',
      ...(await paired(
        n,
        1,
        (i) => client.enqueue(type, payload(i)),
        (i) => governed.enqueue(type, payload(i), { token }),
      )),
    ],
    [
      `bulk (${batch} a call)`,
      ...(await paired(
        n * 5,
        batch,
        (i) => client.enqueueMany(jobs(i)),
        (i) => governed.enqueueMany(jobs(i), { token }),
      )),
    ],
  ];
  console.log(
    `\nEnqueue of ${type}: ${n} calls one by one, ${(n * 5) / batch} bulk calls a side, interleaved; jobs/s at the median call`,
  );
  console.log('| mode | plain | template + token | ratio |');
  console.log('|---|---:|---:|---:|');
  for (const [name, plain, gov] of rows)
    console.log(
      `| ${name} | ${plain.toFixed(0)} | ${gov.toFixed(0)} | ${(gov / plain).toFixed(2)} |`,
    );
  const [plainAgain, withAudit] = await paired(
    n,
    1,
    (i) => client.enqueue(type, payload(i)),
    (i) => audited.enqueue(type, payload(i), { token }),
  );
  console.log(
    `| one by one, audit on too | ${plainAgain.toFixed(0)} | ${withAudit.toFixed(0)} | ${(withAudit / plainAgain).toFixed(2)} |`,
  );

  // Audit append: one event a call, and 100 a call.
  const auditTenant = randomUUID();
  const entry = (i: number) => ({ actor: 'bench', action: 'job.requested', target: `job:${i}` });
  const single = await rate(n, async () => {
    for (let i = 0; i < n; i++) await appendAudit(driver, auditTenant, [entry(i)]);
  });
  const batched = await rate(n, async () => {
    for (let i = 0; i < n; i += 100)
      await appendAudit(
        driver,
        auditTenant,
        Array.from({ length: 100 }, (_, k) => entry(i + k)),
      );
  });
  console.log('\nAudit append');
  console.log('| mode | events/s | ms per event |');
  console.log('|---|---:|---:|');
  console.log(`| 1 event a call | ${single.toFixed(0)} | ${(1000 / single).toFixed(3)} |`);
  console.log(`| 100 events a call | ${batched.toFixed(0)} | ${(1000 / batched).toFixed(3)} |`);

  // A chain of --audit-rows rows for one tenant, written 10,000 a call, then verified.
  const bigTenant = randomUUID();
  const t0 = performance.now();
  for (let i = 0; i < auditRows; i += 10_000)
    await appendAudit(
      driver,
      bigTenant,
      Array.from({ length: Math.min(10_000, auditRows - i) }, (_, k) => entry(i + k)),
    );
  const writeS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const report = await verifyAudit(driver, { publicKeys: [], tenantId: bigTenant });
  const verifyS = (performance.now() - t1) / 1000;
  console.log(`\naudit verify, one tenant's chain`);
  console.log('| rows | write (s) | verify (s) | rows/s verified | ok |');
  console.log('|---:|---:|---:|---:|---|');
  console.log(
    `| ${report.tenants[0]?.rows ?? 0} | ${writeS.toFixed(1)} | ${verifyS.toFixed(1)} | ${((report.tenants[0]?.rows ?? 0) / verifyS).toFixed(0)} | ${report.ok} |`,
  );
} finally {
  await driver.close();
  await server?.stop();
}
