import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

const ACTIONS = ['add', 'list', 'show', 'pause', 'resume', 'disable', 'history'] as const;

interface TriggersArgs extends QueueArgs {
  action: (typeof ACTIONS)[number];
  name?: string;
  cron?: string;
  timezone?: string;
  event?: string;
  filter?: string;
  'job-type'?: string;
  payload?: string;
  coalesce?: boolean;
  'max-instances'?: number;
  'misfire-grace-ms'?: number;
  'catchup-window-ms'?: number;
  tenant?: string;
  limit: number;
}

export const triggersCommand: CommandModule<GlobalArgs, TriggersArgs> = {
  command: 'triggers <action> [name]',
  describe: 'Cron and event triggers: add, list, show, pause, resume, disable, history',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('action', { choices: ACTIONS, demandOption: true })
        .positional('name', { type: 'string', describe: 'Trigger name (or id, except for add)' })
        .option('cron', {
          type: 'string',
          describe: 'Cron spec: 5 fields, 6 with seconds, or @hourly-style (add)',
        })
        .option('timezone', { type: 'string', describe: 'IANA time zone of --cron (add)' })
        .option('event', { type: 'string', describe: 'Event type or prefix.* to fire on (add)' })
        .option('filter', {
          type: 'string',
          describe: 'JSON the event must contain, e.g. {"data":{"tier":"gold"}} (add)',
        })
        .option('job-type', { type: 'string', describe: 'Type of the job to enqueue (add)' })
        .option('payload', {
          type: 'string',
          describe: 'Payload template: JSON, {"$from":"data.x"} takes an event field (add)',
        })
        .option('coalesce', { type: 'boolean', describe: 'Missed slots run once (default true)' })
        .option('max-instances', {
          type: 'number',
          describe: 'Unfinished jobs at most (default 1)',
        })
        .option('misfire-grace-ms', {
          type: 'number',
          describe: 'Later than this a slot is missed (default 60000)',
        })
        .option('catchup-window-ms', {
          type: 'number',
          describe: 'How far back slots count after downtime (default 86400000)',
        })
        .option('tenant', {
          type: 'string',
          describe: 'Tenant UUID (default $JOBFORGE_TENANT or the local tenant)',
        })
        .option('limit', { type: 'number', default: 50, describe: 'History rows at most' }),
    )
      .example(
        '$0 triggers add morning --cron "0 9 * * 1-5" --timezone Europe/Berlin --job-type connector.run --payload \'{"connector":"echo","input":{}}\'',
        'weekdays at 09:00 Berlin time',
      )
      .example(
        '$0 triggers add deliver --event invoice.paid --job-type connector.run --payload \'{"connector":"webhook-deliver","input":{"invoice":{"$from":"data.invoice"}}}\'',
        'a job for every invoice.paid event',
      ) as never,
  handler: async (args) => {
    const { JobForgeError } = await import('@jobforge/sdk');
    const queue = await import('@jobforge/queue');
    queue.requireFeature('triggers');
    const { tenantFor, withQueue } = await import('../queue-args.js');
    const { formatTriggers, formatTrigger, formatTriggerHistory } = await import(
      '../format-triggers.js'
    );
    const tenantId = tenantFor(args.tenant);
    const out = (value: unknown, text: string) =>
      process.stdout.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    if (args.action !== 'list' && !args.name) {
      throw new JobForgeError('USAGE', `triggers ${args.action} needs a trigger name`, {
        hint: `jobforge triggers ${args.action} <name>`,
      });
    }
    const name = args.name ?? '';
    const notFound = () =>
      new JobForgeError('TRIGGER_NOT_FOUND', `no trigger "${name}" for tenant ${tenantId}`, {
        where: name,
        hint: 'jobforge triggers list shows them',
      });
    if (args.action === 'add') {
      const { buildTriggerSpec } = await import('../trigger-spec-args.js');
      const spec = await buildTriggerSpec(name, args);
      const { CONNECTOR_JOB_TYPE } = await import('../connector-job-handler.js');
      await withQueue(args, async ({ driver }) => {
        const { trigger, warnings } = await queue.addTrigger(driver, spec, {
          tenantId,
          knownJobTypes: [CONNECTOR_JOB_TYPE],
        });
        for (const w of warnings) process.stderr.write(`jobforge: warning: ${w}\n`);
        out({ ok: true, trigger, warnings }, `added ${formatTrigger(trigger)}`);
      });
      return;
    }
    await withQueue(args, async ({ driver }) => {
      if (args.action === 'list') {
        const triggers = await queue.listTriggers(driver, { tenantId });
        out(triggers, formatTriggers(triggers));
      } else if (args.action === 'show') {
        const trigger = await queue.getTrigger(driver, name, { tenantId });
        if (!trigger) throw notFound();
        out(trigger, formatTrigger(trigger));
      } else if (args.action === 'history') {
        if (!(await queue.getTrigger(driver, name, { tenantId }))) throw notFound();
        const rows = await queue.triggerHistory(driver, name, { tenantId, limit: args.limit });
        out(rows, formatTriggerHistory(rows));
      } else {
        const state = { pause: 'paused', resume: 'enabled', disable: 'disabled' } as const;
        const action = args.action as keyof typeof state;
        const trigger = await queue.setTriggerState(driver, name, state[action], { tenantId });
        if (!trigger) throw notFound();
        out({ ok: true, trigger }, `trigger ${trigger.name} is now ${trigger.state}`);
      }
    });
  },
};
