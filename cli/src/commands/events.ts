import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface EventsArgs extends QueueArgs {
  action: 'submit' | 'list';
  type?: string;
  source?: string;
  id?: string;
  subject?: string;
  data?: string;
  time?: string;
  trace?: string;
  tenant?: string;
  since?: string;
  until?: string;
  before?: string;
  limit: number;
}

export const eventsCommand: CommandModule<GlobalArgs, EventsArgs> = {
  command: 'events <action>',
  describe: 'Submit an event (CloudEvents 1.0 attributes) or list events',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('action', { choices: ['submit', 'list'] as const, demandOption: true })
        .option('type', {
          type: 'string',
          describe: 'Event type, reverse-DNS style (submit); exact or prefix.* (list)',
        })
        .option('source', { type: 'string', describe: 'Who emitted it (submit, default "cli")' })
        .option('id', {
          type: 'string',
          describe: 'Event id, unique per source (submit, default a random UUID)',
        })
        .option('subject', { type: 'string', describe: 'What it is about' })
        .option('data', { type: 'string', describe: 'JSON data: inline, or @file (@- for stdin)' })
        .option('time', { type: 'string', describe: 'When it happened, ISO 8601 (submit)' })
        .option('trace', { type: 'string', describe: 'Trace id (submit)' })
        .option('tenant', {
          type: 'string',
          describe: 'Tenant UUID (default $JOBFORGE_TENANT or the local tenant)',
        })
        .option('since', { type: 'string', describe: 'Events at or after this time (list)' })
        .option('until', { type: 'string', describe: 'Events before this time (list)' })
        .option('before', { type: 'string', describe: 'Page cursor: a seq from the last page' })
        .option('limit', { type: 'number', default: 50, describe: 'At most this many (list)' }),
    )
      .example(
        '$0 events submit --type invoice.paid --source billing --data \'{"invoice":"in_1"}\'',
        'submit an event (a repeat of the same --source and --id is answered as a duplicate)',
      )
      .example('$0 events list --type "invoice.*"', 'the newest invoice events') as never,
  handler: async (args) => {
    const { JobForgeError } = await import('@jobforge/sdk');
    const { queryEvents, submitEvent } = await import('@jobforge/queue');
    const { tenantFor, withQueue } = await import('../queue-args.js');
    const { formatEvents } = await import('../format-events.js');
    const tenantId = tenantFor(args.tenant);
    const out = (value: unknown, text: string) =>
      process.stdout.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    if (args.action === 'submit') {
      if (!args.type) {
        throw new JobForgeError('USAGE', 'events submit needs --type', {
          hint: 'jobforge events submit --type invoice.paid --data \'{"invoice":"in_1"}\'',
        });
      }
      const { readJsonArg } = await import('../io/read-json-arg.js');
      const { randomUUID } = await import('node:crypto');
      const data = args.data === undefined ? undefined : await readJsonArg(args.data, '--data');
      const event = {
        id: args.id ?? randomUUID(),
        source: args.source ?? 'cli',
        type: args.type,
        ...(data === undefined ? {} : { data }),
        ...(args.subject !== undefined ? { subject: args.subject } : {}),
        ...(args.time !== undefined ? { time: args.time } : {}),
        ...(args.trace !== undefined ? { traceId: args.trace } : {}),
      };
      await withQueue(args, async ({ driver }) => {
        const result = await submitEvent(driver, event, { tenantId });
        const e = result.event;
        out(
          { ok: true, ...result },
          `${result.created ? 'submitted' : `duplicate of the event received ${e.received_at}`}: ${e.type} ${e.source}/${e.id} (seq ${e.seq}) for tenant ${tenantId}`,
        );
      });
      return;
    }
    await withQueue(args, async ({ driver }) => {
      const page = await queryEvents(
        driver,
        {
          limit: args.limit,
          ...(args.type !== undefined ? { type: args.type } : {}),
          ...(args.subject !== undefined ? { subject: args.subject } : {}),
          ...(args.since !== undefined ? { since: args.since } : {}),
          ...(args.until !== undefined ? { until: args.until } : {}),
          ...(args.before !== undefined ? { before: args.before } : {}),
        },
        { tenantId },
      );
      out(page, formatEvents(page.events, page.nextBefore));
    });
  },
};
