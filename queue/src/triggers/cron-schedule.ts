import { Cron } from 'croner';
import { QueueError } from '../queue-error.js';

/** The nicknames a cron spec may be instead of fields. */
const NICKNAMES = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

/** A parsed cron spec in an IANA time zone: the slots it fires at. */
export interface CronSchedule {
  cron: string;
  timezone: string;
  /** The first slot strictly after `after`, or null when the expression never fires again. */
  next(after: Date): Date | null;
}

/**
 * Parses a cron spec (5 fields, 6 with seconds first, or a nickname such as `@hourly`) in an IANA
 * time zone, with croner. Throws INVALID_SCHEDULE naming the field that is wrong.
 *
 * @example
 * parseSchedule('0 9 * * 1-5', 'Europe/Berlin').next(new Date()); // the next weekday 09:00 in Berlin
 */
export function parseSchedule(cron: unknown, timezone: unknown): CronSchedule {
  if (typeof timezone !== 'string' || !isTimeZone(timezone)) {
    throw new QueueError(
      'INVALID_SCHEDULE',
      `${JSON.stringify(timezone)} is not an IANA time zone`,
      {
        where: 'timezone',
        hint: 'name a zone of the IANA database, e.g. Europe/Berlin, America/New_York or UTC',
      },
    );
  }
  if (typeof cron !== 'string' || cron.trim().length === 0 || cron.length > 200) {
    throw invalidCron(cron, 'a cron spec is a non-empty string of at most 200 characters');
  }
  const spec = cron.trim();
  const fields = spec.split(/\s+/).length;
  if (!NICKNAMES.has(spec.toLowerCase()) && fields !== 5 && fields !== 6) {
    throw invalidCron(
      cron,
      `a cron spec has 5 fields (minute hour day month weekday), 6 with seconds first, or is a nickname such as @hourly; this one has ${fields}`,
    );
  }
  let pattern: Cron;
  try {
    // Without a function croner schedules nothing; it only computes run times.
    pattern = new Cron(spec, { timezone });
  } catch (error) {
    throw invalidCron(cron, (error as Error).message.replace(/^CronPattern: /, ''));
  }
  return {
    cron: spec,
    timezone,
    next: (after) => pattern.nextRun(after),
  };
}

function invalidCron(cron: unknown, reason: string): QueueError {
  return new QueueError('INVALID_SCHEDULE', `cron spec ${JSON.stringify(cron)}: ${reason}`, {
    where: 'cron',
    hint: 'e.g. "0 9 * * 1-5" (weekdays at 09:00), "*/15 * * * *", "0 */10 * * * *" or "@daily"',
  });
}

// An IANA zone name ("UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+2").
// Newer ICU (Node 24) also accepts bare offsets such as "+02:00", which have no daylight-saving
// rules and so silently drift from the wall clock: refused here on every Node version.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

function isTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 100 || !IANA_NAME.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
