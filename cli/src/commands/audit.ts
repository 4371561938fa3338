import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface VerifyArgs extends QueueArgs {
  'public-key': string[];
  tenant?: string;
}

const verify: CommandModule<GlobalArgs, VerifyArgs> = {
  command: 'verify',
  describe:
    'Walk every tenant’s hash chain and check the signed checkpoints; exit 1 naming each bad row',
  builder: (y) =>
    withQueueOptions(
      y
        .option('public-key', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'Host public key(s) that sign checkpoints',
        })
        .option('tenant', { type: 'string', describe: 'Only this tenant’s chain' }),
    ) as never,
  handler: async (args) => {
    const { requireFeature } = await import('@jobforge/queue');
    const { verifyAudit } = await import('@jobforge/governance');
    const { JobForgeError } = await import('@jobforge/sdk');
    const { readPublicKey } = await import('../signing-key.js');
    const { withQueue } = await import('../queue-args.js');
    requireFeature('audit');
    const publicKeys = await Promise.all(args['public-key'].map((k) => readPublicKey(k)));
    const report = await withQueue(args, ({ driver }) =>
      verifyAudit(driver, { publicKeys, ...(args.tenant ? { tenantId: args.tenant } : {}) }),
    );
    if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const t of report.tenants)
        process.stdout.write(
          `${t.tenant_id}: ${t.rows} rows, ${t.checkpoints} checkpoints, head ${t.head.slice(0, 16)}…\n`,
        );
      for (const p of report.problems)
        process.stdout.write(`  ${p.code} ${p.tenant_id} row ${p.seq}: ${p.message}\n`);
    }
    if (!report.ok)
      throw new JobForgeError(
        'AUDIT_VERIFY_FAILED',
        `the audit log does not verify: ${report.problems.length} problem(s)`,
        {
          hint: 'each problem names the tenant and row; compare with your backups',
        },
      );
  },
};

interface ListArgs extends QueueArgs {
  tenant?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  limit: number;
}

const list: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'Audit rows newest first, by actor, action (a trailing * is a prefix) and time',
  builder: (y) =>
    withQueueOptions(
      y
        .option('tenant', { type: 'string' })
        .option('actor', { type: 'string' })
        .option('action', { type: 'string' })
        .option('since', { type: 'string', describe: 'ISO time' })
        .option('until', { type: 'string', describe: 'ISO time' })
        .option('limit', { type: 'number', default: 100 }),
    ) as never,
  handler: async (args) => {
    const { requireFeature } = await import('@jobforge/queue');
    const { listAudit } = await import('@jobforge/governance');
    const { withQueue } = await import('../queue-args.js');
    requireFeature('audit');
    const rows = await withQueue(args, ({ driver }) =>
      listAudit(driver, {
        limit: args.limit,
        ...(args.tenant ? { tenantId: args.tenant } : {}),
        ...(args.actor ? { actor: args.actor } : {}),
        ...(args.action ? { action: args.action } : {}),
        ...(args.since ? { since: args.since } : {}),
        ...(args.until ? { until: args.until } : {}),
      }),
    );
    process.stdout.write(
      args.json
        ? `${JSON.stringify(rows, null, 2)}\n`
        : `${rows.map((r) => `${r.created_at} ${r.tenant_id.slice(0, 8)} #${r.seq} ${r.actor} ${r.action}${r.decision ? ` ${r.decision}` : ''} ${r.target ?? ''}`).join('\n') || 'no audit rows'}\n`,
    );
  },
};

interface CheckpointArgs extends QueueArgs {
  key: string;
}

const checkpoint: CommandModule<GlobalArgs, CheckpointArgs> = {
  command: 'checkpoint',
  describe: 'Sign the head of every tenant’s chain with the host key, now',
  builder: (y) =>
    withQueueOptions(
      y.option('key', { type: 'string', demandOption: true, describe: 'Host private key' }),
    ) as never,
  handler: async (args) => {
    const { requireFeature } = await import('@jobforge/queue');
    const { signAllCheckpoints } = await import('@jobforge/governance');
    const { readPrivateKey } = await import('../signing-key.js');
    const { withQueue } = await import('../queue-args.js');
    requireFeature('audit');
    const key = await readPrivateKey(args.key);
    const signed = await withQueue(args, ({ driver }) => signAllCheckpoints(driver, key));
    process.stdout.write(
      args.json ? `${JSON.stringify({ signed })}\n` : `signed ${signed} checkpoint(s)\n`,
    );
  },
};

export const auditCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'audit <command>',
  describe: 'The tamper-evident audit log: verify, list, checkpoint (JOBFORGE_AUDIT_ENABLED)',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(verify as never)
      .command(list as never)
      .command(checkpoint as never)
      .demandCommand(1, 'name an audit subcommand: verify, list or checkpoint'),
  handler: () => {},
};
