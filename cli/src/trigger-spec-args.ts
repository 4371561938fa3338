import type { TriggerSpec } from '@jobforge/queue';
import { JobForgeError } from '@jobforge/sdk';
import { readJsonArg } from './io/read-json-arg.js';

interface SpecArgs {
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
}

/** The trigger `jobforge triggers add` describes: exactly one of --cron or --event. */
export async function buildTriggerSpec(name: string, args: SpecArgs): Promise<TriggerSpec> {
  if ((args.cron === undefined) === (args.event === undefined)) {
    throw new JobForgeError('USAGE', 'triggers add needs exactly one of --cron or --event', {
      hint: 'a cron trigger: --cron "0 9 * * *" --timezone Europe/Berlin; an event trigger: --event invoice.paid',
    });
  }
  if (!args['job-type']) {
    throw new JobForgeError('USAGE', 'triggers add needs --job-type', {
      hint: '--job-type connector.run',
    });
  }
  const base = {
    name,
    jobType: args['job-type'],
    ...(args.payload !== undefined
      ? { payload: await readJsonArg(args.payload, '--payload') }
      : {}),
  };
  if (args.cron !== undefined) {
    if (!args.timezone) {
      throw new JobForgeError('INVALID_SCHEDULE', 'a cron trigger needs --timezone', {
        where: 'timezone',
        hint: 'name an IANA zone: --timezone Europe/Berlin (or UTC)',
      });
    }
    return {
      ...base,
      cron: args.cron,
      timezone: args.timezone,
      ...(args.coalesce !== undefined ? { coalesce: args.coalesce } : {}),
      ...(args['max-instances'] !== undefined ? { maxInstances: args['max-instances'] } : {}),
      ...(args['misfire-grace-ms'] !== undefined
        ? { misfireGraceMs: args['misfire-grace-ms'] }
        : {}),
      ...(args['catchup-window-ms'] !== undefined
        ? { catchupWindowMs: args['catchup-window-ms'] }
        : {}),
    };
  }
  let filter: Record<string, unknown> | undefined;
  if (args.filter !== undefined) {
    try {
      filter = JSON.parse(args.filter) as Record<string, unknown>;
    } catch (error) {
      throw new JobForgeError(
        'INVALID_FILTER',
        `--filter is not JSON: ${(error as Error).message}`,
        {
          where: '--filter',
          hint: 'a JSON object the event must contain, e.g. {"data":{"tier":"gold"}}',
        },
      );
    }
  }
  return { ...base, event: args.event ?? '', ...(filter ? { filter } : {}) };
}
