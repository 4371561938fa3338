import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface JobsArgs extends QueueArgs {
  action: 'list' | 'show' | 'cancel' | 'retry' | 'dead' | 'tail';
  id?: string;
  tenant?: string;
  status?: string;
  type?: string;
  limit: string;
}

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'dead', 'canceled'] as const;

export const jobsCommand: CommandModule<GlobalArgs, JobsArgs> = {
  command: 'jobs <action> [id]',
  describe: 'Inspect and manage jobs: list, show <id>, cancel <id>, retry <id>, dead, tail <id>',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('action', {
          choices: ['list', 'show', 'cancel', 'retry', 'dead', 'tail'] as const,
          demandOption: true,
        })
        .positional('id', { type: 'string', describe: 'Job id (show, cancel, retry)' })
        .option('tenant', { type: 'string', describe: 'Only this tenant (default: every tenant)' })
        .option('status', { choices: STATUSES, describe: 'Only jobs in this status (list)' })
        .option('type', { type: 'string', describe: 'Only jobs of this type (list, dead)' })
        .option('limit', {
          type: 'string',
          default: '50',
          describe: 'At most this many, 1-1000 (list, dead)',
        }),
    )
      .example('$0 jobs list --status failed', 'jobs waiting for a retry')
      .example('$0 jobs retry 42', 'run a dead job again with fresh attempts') as never,
  handler: async (args) => {
    const { JobForgeError } = await import('@jobforge/sdk');
    const { withQueue } = await import('../queue-args.js');
    const { intFlag } = await import('../flag-values.js');
    const limit = intFlag(args.limit, '--limit', 1, 1000);
    const { formatJobs, formatJob } = await import('../format-jobs.js');
    const tenant = args.tenant === undefined ? {} : { tenantId: args.tenant };
    const out = (value: unknown, text: string) =>
      process.stdout.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    await withQueue(args, async ({ client }) => {
      if (args.action === 'list' || args.action === 'dead') {
        const jobs = await client.list({
          ...tenant,
          ...(limit !== undefined ? { limit } : {}),
          ...(args.action === 'dead' ? { status: 'dead' as const } : {}),
          ...(args.status && args.action === 'list' ? { status: args.status as 'queued' } : {}),
          ...(args.type ? { type: args.type } : {}),
        });
        out(jobs, formatJobs(jobs));
        return;
      }
      if (!args.id) {
        throw new JobForgeError('MISSING_JOB_ID', `jobs ${args.action} needs a job id`, {
          hint: `jobforge jobs ${args.action} <id>`,
        });
      }
      const notFound = () =>
        new JobForgeError(
          'JOB_NOT_FOUND',
          `no job ${args.id}${args.tenant ? ` for tenant ${args.tenant}` : ''}`,
          {
            where: args.id,
            hint: 'jobforge jobs list shows the ids',
          },
        );
      if (args.action === 'tail') {
        // Follows the job's run events until it ends (the runs feature records them).
        const { tailJobCommand } = await import('../runs/tail-job-command.js');
        return tailJobCommand(client, args.id, args.json, args.tenant);
      }
      if (args.action === 'show') {
        const job = await client.get(args.id, tenant);
        if (!job) throw notFound();
        out(job, formatJob(job));
        return;
      }
      const change =
        args.action === 'cancel'
          ? await client.cancel(args.id, tenant)
          : await client.reschedule(args.id, tenant);
      if (!change) throw notFound();
      if (!change.changed) {
        throw new JobForgeError(
          'JOB_STATE_CONFLICT',
          `job ${args.id} is ${change.status}; ${args.action === 'cancel' ? 'only queued jobs (or ones waiting to retry) can be canceled' : 'only dead, failed or canceled jobs can be retried'}`,
          { where: args.id },
        );
      }
      // Admin actions are audited when the audit log is on (governance.md).
      const { isFeatureEnabled } = await import('@jobforge/queue');
      if (isFeatureEnabled('audit')) {
        const { appendAudit } = await import('@jobforge/governance');
        const job = await client.get(args.id, tenant);
        await appendAudit(client.driver, job?.tenant_id ?? null, [
          {
            actor: process.env.USER ?? 'cli',
            action: `job.${args.action}`,
            target: `job:${args.id}`,
          },
        ]);
      }
      out({ ok: true, ...change }, `job ${change.id} is now ${change.status}`);
    });
  },
};
