import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface WorkerArgs extends QueueArgs {
  concurrency: string;
  types?: string[];
  connectors: string;
  key?: string;
  'lease-ms'?: string;
  'poll-ms'?: string;
  'log-level': 'debug' | 'info' | 'warn' | 'error';
  drain: boolean;
  capture: boolean;
  'capture-connectors'?: string[];
  'artifacts-dir'?: string;
  'prune-older-than'?: string;
  'prune-status'?: string[];
  'prune-every'?: string;
}

export const workerCommand: CommandModule<GlobalArgs, WorkerArgs> = {
  command: 'worker',
  describe: 'Run queued jobs until SIGTERM/SIGINT (connector.run jobs run the named connector)',
  builder: (y) =>
    withQueueOptions(
      y
        .option('concurrency', {
          type: 'string',
          default: '4',
          describe: 'Jobs in flight at most',
        })
        .option('types', {
          type: 'string',
          array: true,
          coerce: (v: string[]) => v.flatMap((s) => s.split(',')).filter(Boolean),
          describe: 'Claim only these job types (default: all; unknown types go dead)',
        })
        .option('connectors', {
          type: 'string',
          default: 'connectors',
          describe: 'The only folder connector.run jobs may load connectors from',
        })
        .option('key', { type: 'string', describe: 'Private key (PEM) that signs the evidence' })
        .option('lease-ms', {
          type: 'string',
          describe: 'Lease per claim, 1000 ms to a day (default 30000)',
        })
        .option('poll-ms', {
          type: 'string',
          describe: 'Poll interval without notifications, 10 ms to an hour (default 1000)',
        })
        .option('log-level', {
          choices: ['debug', 'info', 'warn', 'error'] as const,
          default: 'info' as const,
          describe: 'JSON log lines on stderr from this level up',
        })
        .option('capture', {
          type: 'boolean',
          default: false,
          describe:
            "Keep every run's HTTP exchanges (redacted) for replay (needs JOBFORGE_RUNS_ENABLED)",
        })
        .option('capture-connectors', {
          type: 'string',
          array: true,
          coerce: (v: string[]) => v.flatMap((s) => s.split(',')).filter(Boolean),
          describe: "Keep these connectors' runs' HTTP exchanges for replay (ids, comma-separated)",
        })
        .option('artifacts-dir', {
          type: 'string',
          describe: 'Folder of large run artifacts (default .jobforge/artifacts)',
        })
        .option('prune-older-than', {
          type: 'string',
          describe:
            "Retention: prune finished jobs' records older than this (30d, 12h); default keep all",
        })
        .option('prune-status', {
          type: 'string',
          array: true,
          coerce: (v: string[]) => v.flatMap((s) => s.split(',')).filter(Boolean),
          describe: 'Retention: only jobs in these statuses (default succeeded,dead,canceled)',
        })
        .option('prune-every', {
          type: 'string',
          describe: 'Retention: how often to prune (default 1h)',
        })
        .option('drain', {
          type: 'boolean',
          default: false,
          describe: 'Exit once no job is queued or running (jobs waiting for a later retry stay)',
        }),
    ).example('$0 worker --concurrency 8', 'run jobs until stopped') as never,
  handler: async (args) => {
    const { intFlag } = await import('../flag-values.js');
    const concurrency = intFlag(args.concurrency, '--concurrency', 1, 1000) ?? 4;
    const leaseMs = intFlag(args['lease-ms'], '--lease-ms', 1000, 86_400_000);
    const pollMs = intFlag(args['poll-ms'], '--poll-ms', 10, 3_600_000);
    const { createJsonLogger, runWorker, stopOnSignals } = await import('@jobforge/queue');
    const { withQueue } = await import('../queue-args.js');
    const { resolveSigningKey } = await import('../signing-key.js');
    const { createConnectorJobHandler, CONNECTOR_JOB_TYPE } = await import(
      '../connector-job-handler.js'
    );
    const logger = createJsonLogger({ level: args['log-level'] });
    const { key } = await resolveSigningKey(args.key, (text) => logger.info(text));
    const { createRuntime } = await import('@jobforge/runtime');
    // Connector jobs run in the sandbox; the runtime signs their evidence with the host key.
    const runtime = await createRuntime({
      signingKey: key,
      pool: { maxChildren: concurrency },
    });
    logger.info('sandbox', { ...runtime.isolation });
    try {
      await withQueue(args, async ({ client, description, driver }) => {
        logger.info('queue database', { database: description });
        // Fail fast with a coded error on a wrong password, database or role; once running, the
        // worker retries every failure instead.
        await client.list({ limit: 1 });
        // Runs are records only with the runs feature on; otherwise jobs run exactly as before.
        const { isFeatureEnabled, requireFeature } = await import('@jobforge/queue');
        if (args.capture || args['capture-connectors']) requireFeature('runs');
        const { openRunStores } = await import('../runs/run-stores.js');
        const record = isFeatureEnabled('runs')
          ? {
              stores: await openRunStores(driver, {
                ...(args['artifacts-dir'] ? { artifactsDir: args['artifacts-dir'] } : {}),
              }),
              capture: args.capture,
              ...(args['capture-connectors']
                ? { captureConnectors: args['capture-connectors'] }
                : {}),
            }
          : undefined;
        const worker = await runWorker({
          client,
          concurrency,
          logger,
          // Policy on: each claimed job's grant is checked again and signed into its evidence.
          handlers: (await import('@jobforge/governance')).withPolicyCheck(
            {
              [CONNECTOR_JOB_TYPE]: createConnectorJobHandler({
                runtime,
                connectorsDir: args.connectors,
                ...(record ? { record } : {}),
              }),
            },
            { driver: client.driver, signingKey: key },
          ),
          ...(args.types ? { types: args.types } : {}),
          ...(leaseMs !== undefined ? { leaseMs } : {}),
          ...(pollMs !== undefined ? { pollMs } : {}),
        });
        // With JOBFORGE_TRIGGERS_ENABLED on, every worker also runs the cron scheduler; one per
        // database leads (a lease), the others stand by to take over.
        const { startTriggerScheduler } = await import('../trigger-scheduler.js');
        const scheduler = startTriggerScheduler(client.driver, logger);
        // The retention policy, when given: `jobforge prune` on a timer in this worker.
        const { parseAge, parseAgeMs } = await import('../runs/prune-runs.js');
        const { startRetention } = await import('../runs/retention-schedule.js');
        const retention = args['prune-older-than']
          ? startRetention(
              record?.stores ??
                (await openRunStores(driver, {
                  ...(args['artifacts-dir'] ? { artifactsDir: args['artifacts-dir'] } : {}),
                })),
              {
                olderThan: parseAge(args['prune-older-than'], '--prune-older-than'),
                ...(args['prune-status'] ? { statuses: args['prune-status'] } : {}),
                everyMs: parseAgeMs(args['prune-every'] ?? '1h', '--prune-every'),
              },
              logger,
            )
          : undefined;
        // The scheduler stops however the worker ends, a failed drain included: its timer and
        // lease must not outlive the connection it uses.
        try {
          await new Promise<void>((resolve, reject) => {
            const off = stopOnSignals(worker, resolve);
            if (!args.drain) return;
            let failures = 0;
            const check = async () => {
              try {
                const busy =
                  (await client.list({ status: 'queued', limit: 1 })).length +
                  (await client.list({ status: 'running', limit: 1 })).length;
                failures = 0;
                if (busy === 0) {
                  off();
                  await worker.stop();
                  resolve();
                } else setTimeout(check, 200);
              } catch (error) {
                // A passing database fault: look again; a lasting one ends the drain with its
                // error, after the worker has released what it holds.
                if (++failures < 10) return void setTimeout(check, 500);
                off();
                await worker.stop().catch(() => {});
                reject(error);
              }
            };
            setTimeout(check, 200);
          });
        } finally {
          await scheduler.stop();
          await retention?.stop();
        }
        const stats = worker.stats();
        if (args.json) process.stdout.write(`${JSON.stringify({ ok: true, ...stats })}\n`);
        else
          process.stdout.write(
            `worker stopped: ${stats.succeeded} succeeded, ${stats.failed} failed (will retry), ${stats.dead} dead, ${stats.released} released\n`,
          );
      });
    } finally {
      await runtime.close();
    }
  },
};
