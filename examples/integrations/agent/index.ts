// An agent asks JobForge to run a write job (a signed webhook delivery through settler's
// template). Without a policy token the server refuses it and audits the refusal; with one it
// runs, is audited, and its signed evidence carries the grant (never the token).
// Run: pnpm exec tsx --conditions=@jobforge/source examples/integrations/agent/index.ts [DATA_DIR]
// Then: JOBFORGE_AUDIT_ENABLED=1 jobforge audit verify --data-dir DATA_DIR/queue \
//         --public-key DATA_DIR/host-public.pem
import '../_shared/enable-governance.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addTemplates,
  createGovernor,
  listAudit,
  loadTemplateFile,
  signCheckpoint,
  TEMPLATE_PACKS,
  withPolicyCheck,
} from '@jobforge/governance';
import {
  createPgliteDriver,
  createQueueClient,
  migrate,
  runWorker,
  silentLogger,
} from '@jobforge/queue';
import { generateSigningKeyPair, issuePolicyToken, verifyEnvelope } from '@jobforge/sdk';

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'jobforge-agent-'));
const received: unknown[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    received.push(JSON.parse(body));
    res.writeHead(202).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/invoice`;

const driver = await createPgliteDriver({ dataDir: join(dir, 'queue') });
await migrate(driver);
await addTemplates(driver, await loadTemplateFile(TEMPLATE_PACKS.settler), {
  actor: 'ops',
  audit: true,
});
const tenantId = randomUUID();
const issuer = generateSigningKeyPair(); // the team's policy-issuing key
const host = generateSigningKeyPair(); // the host's key: evidence and audit checkpoints
writeFileSync(join(dir, 'host-public.pem'), host.publicKeyPem);
const client = createQueueClient(driver, { tenantId });
const governor = createGovernor({ client, tenantId, policyKeys: [issuer.publicKeyPem] });
const job = { recipient: 'acct-42', template: 'invoice.ready', url };

// 1. The agent tries on its own.
try {
  await governor.enqueue('settler.notification.send', job, { actor: 'agent-7' });
} catch (error) {
  console.log(`without a token: refused (${(error as Error).message.split('\n')[0]})`);
}

// 2. A person grants it one action for fifteen minutes; the agent tries again.
const { token } = await issuePolicyToken(
  { tenant_id: tenantId, actions: ['enqueue:settler.notification.send'] },
  { privateKey: issuer.privateKeyPem, issuer: 'alice@ops', subject: 'agent-7', ttlSeconds: 900 },
);
const { id } = await governor.enqueue('settler.notification.send', job, { token });
console.log(`with a token: enqueued job ${id}`);

const worker = await runWorker({
  client,
  logger: silentLogger,
  handlers: withPolicyCheck(
    {
      'settler.notification.send': async (j) => {
        const p = j.payload as typeof job;
        const r = await fetch(p.url, {
          method: 'POST',
          body: JSON.stringify({ to: p.recipient, template: p.template }),
        });
        return { status: r.status };
      },
    },
    { driver, signingKey: host.privateKeyPem },
  ),
});
let done = await client.get(id);
while (done && done.status !== 'succeeded' && done.status !== 'dead') {
  await new Promise((r) => setTimeout(r, 20));
  done = await client.get(id);
}
await worker.stop();
console.log(`job ${id}: ${done?.status}; the service received ${received.length} delivery`);

const verified = verifyEnvelope(done?.results[0]?.evidence, 'application/vnd.in-toto+json', [
  host.publicKeyPem,
]);
const grant = verified.ok ? JSON.parse(verified.statement).predicate.policy : null;
console.log(
  `evidence signed by the host: ${verified.ok}; grant ${JSON.stringify(grant?.grant.actions)} from ${grant?.grant.iss} (token ${grant?.token_id})`,
);

await signCheckpoint(driver, host.privateKeyPem, tenantId);
for (const row of (await listAudit(driver, { tenantId })).reverse())
  console.log(
    `audit #${row.seq} ${row.actor} ${row.action}${row.decision ? ` ${row.decision}` : ''} ${row.target ?? ''}`,
  );
console.log(`data: ${dir}`);
await driver.close();
server.close();
