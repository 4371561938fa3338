import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface EnqueueArgs extends QueueArgs {
  type: string;
  payload: string;
  tenant?: string;
  key?: string;
  'run-at'?: string;
  priority?: string;
  'max-attempts'?: string;
  'ordering-key'?: string;
  trace?: string;
  token?: string;
  project?: string;
  'policy-key'?: string[];
}

export const enqueueCommand: CommandModule<GlobalArgs, EnqueueArgs> = {
  command: 'enqueue <type>',
  describe: 'Add a job to the queue (idempotent with --key)',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('type', { type: 'string', demandOption: true, describe: 'Job type' })
        .option('payload', {
          type: 'string',
          demandOption: true,
          describe: 'The payload: inline JSON, or @file (@- for stdin)',
        })
        .option('tenant', {
          type: 'string',
          describe: 'Tenant UUID (default $JOBFORGE_TENANT or the local tenant)',
        })
        .option('key', {
          type: 'string',
          describe: 'Idempotency key: the same key returns the same job',
        })
        .option('run-at', {
          type: 'string',
          describe: 'Not before this time (ISO 8601, e.g. 2030-01-31T12:00:00Z)',
        })
        .option('priority', {
          type: 'string',
          describe: 'Higher runs first (default 0)',
        })
        .option('max-attempts', {
          type: 'string',
          describe: 'Attempts before dead, 1-1000 (default 5)',
        })
        .option('ordering-key', {
          type: 'string',
          describe: 'Jobs with one key run one at a time, in order',
        })
        .option('trace', { type: 'string', describe: 'Trace id carried into logs and evidence' })
        .option('token', {
          type: 'string',
          describe: 'Policy token for a write job (default $JOBFORGE_POLICY_TOKEN)',
        })
        .option('project', { type: 'string', describe: 'Project UUID within the tenant' })
        .option('policy-key', {
          type: 'string',
          array: true,
          describe:
            'Trusted policy-issuer public key(s) (default $JOBFORGE_POLICY_KEYS, comma-separated files)',
        }),
    ).example(
      '$0 enqueue connector.run --payload \'{"connector":"echo","input":{"message":"hi"}}\'',
      'queue a run of the echo connector',
    ) as never,
  handler: async (args) => {
    const { readJsonArg } = await import('../io/read-json-arg.js');
    const { tenantFor, withQueue } = await import('../queue-args.js');
    const { intFlag } = await import('../flag-values.js');
    const priority = intFlag(args.priority, '--priority', -2_147_483_648, 2_147_483_647);
    const maxAttempts = intFlag(args['max-attempts'], '--max-attempts', 1, 1000);
    const payload = await readJsonArg(args.payload, '--payload');
    const tenantId = tenantFor(args.tenant);
    const { createGovernor } = await import('@jobforge/governance');
    const { readPolicyKeys } = await import('../policy-keys.js');
    const policyKeys = await readPolicyKeys(args['policy-key']);
    const token = args.token ?? process.env.JOBFORGE_POLICY_TOKEN;
    await withQueue(args, async ({ client }) => {
      // With the governance flags off this is the plain enqueue.
      const job = await createGovernor({ client, policyKeys }).enqueue(args.type, payload, {
        tenantId,
        actor: process.env.USER ?? 'cli',
        ...(token ? { token } : {}),
        ...(args.project !== undefined ? { projectId: args.project } : {}),
        ...(args.key !== undefined ? { idempotencyKey: args.key } : {}),
        ...(args['run-at'] !== undefined ? { runAt: args['run-at'] } : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(maxAttempts !== undefined ? { maxAttempts } : {}),
        ...(args['ordering-key'] !== undefined ? { orderingKey: args['ordering-key'] } : {}),
        ...(args.trace !== undefined ? { traceId: args.trace } : {}),
      });
      process.stdout.write(
        args.json
          ? `${JSON.stringify({ ok: true, ...job, tenant_id: tenantId })}\n`
          : `${job.created ? 'enqueued' : 'already enqueued (same --key)'}: job ${job.id} (${args.type}) for tenant ${tenantId}\n`,
      );
    });
  },
};
