import { requireFeature } from '../feature-flags.js';
import { QueueError, toQueueError } from '../queue-error.js';
import { queryRows, type SqlTarget } from '../sql-connection.js';
import { assertJobType, assertProjectId, assertTenantId, payloadJson } from '../validate-job.js';
import { parseSchedule } from './cron-schedule.js';
import type { Trigger, TriggerHistoryRow, TriggerSpec, TriggerState } from './trigger-types.js';

interface TenantOption {
  tenantId?: string;
  /**
   * Only this project's triggers (a session bound to a project sees only its own and may not name
   * another: TENANT_FORBIDDEN). On addTrigger, the trigger's project.
   */
  projectId?: string;
}

// Every call here needs JOBFORGE_TRIGGERS_ENABLED (FEATURE_DISABLED otherwise).
async function call<T>(db: SqlTarget, fn: string, args: string, params: unknown[]): Promise<T> {
  requireFeature('triggers');
  try {
    const rows = await queryRows<{ r: T }>(db, `select jobforge.${fn}(${args}) as r`, params);
    return rows[0]!.r;
  } catch (error) {
    throw toQueueError(error, fn);
  }
}

const tenantOf = (o: TenantOption) =>
  o.tenantId === undefined ? null : assertTenantId(o.tenantId, 'tenantId');
const projectOf = (o: TenantOption) =>
  o.projectId === undefined ? null : assertProjectId(o.projectId, 'projectId');

/**
 * Creates a cron or event trigger. A cron spec and time zone are checked here (INVALID_SCHEDULE
 * names the field) and the first fire time is stored with the trigger. `knownJobTypes`, when
 * given, turns a job type no worker handles into a warning in the answer.
 *
 * @example
 * await addTrigger(driver, { name: 'morning-report', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin',
 *   jobType: 'connector.run', payload: { connector: 'report', input: {} } }, { tenantId });
 */
export async function addTrigger(
  db: SqlTarget,
  spec: TriggerSpec,
  options: TenantOption & { knownJobTypes?: string[]; now?: Date } = {},
): Promise<{ trigger: Trigger; warnings: string[] }> {
  requireFeature('triggers');
  assertJobType(spec.jobType, 'jobType');
  const body: Record<string, unknown> = {
    name: spec.name,
    job_type: spec.jobType,
    payload_template: JSON.parse(payloadJson(spec.payload ?? {}, 'payload')),
    job_options: spec.jobOptions ?? {},
    ...(spec.state ? { state: spec.state } : {}),
    ...(options.projectId !== undefined ? { project_id: projectOf(options) } : {}),
  };
  if ('cron' in spec) {
    const schedule = parseSchedule(spec.cron, spec.timezone);
    const first = schedule.next(options.now ?? new Date());
    if (!first) {
      throw new QueueError('INVALID_SCHEDULE', `cron spec "${spec.cron}" never fires again`, {
        where: 'cron',
      });
    }
    Object.assign(body, {
      kind: 'cron',
      cron: schedule.cron,
      timezone: schedule.timezone,
      next_fire_at: first.toISOString(),
      ...(spec.coalesce !== undefined ? { coalesce: spec.coalesce } : {}),
      ...(spec.maxInstances !== undefined ? { max_instances: spec.maxInstances } : {}),
      ...(spec.misfireGraceMs !== undefined ? { misfire_grace_ms: spec.misfireGraceMs } : {}),
      ...(spec.catchupWindowMs !== undefined ? { catchup_window_ms: spec.catchupWindowMs } : {}),
    });
  } else {
    if (
      !/^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)*(\.\*)?$/.test(spec.event ?? '')
    ) {
      throw new QueueError(
        'INVALID_TRIGGER',
        `event match ${JSON.stringify(spec.event)} is not an event type or a prefix ending in .*`,
        { where: 'event', hint: 'e.g. invoice.paid, or invoice.* for every invoice event' },
      );
    }
    if (
      spec.filter !== undefined &&
      (typeof spec.filter !== 'object' || spec.filter === null || Array.isArray(spec.filter))
    ) {
      throw new QueueError('INVALID_FILTER', 'an event filter is a JSON object', {
        where: 'filter',
        hint: 'e.g. {"data":{"priority":"high"}}: the event must contain it (JSON containment)',
      });
    }
    Object.assign(body, {
      kind: 'event',
      event_type: spec.event,
      event_filter: spec.filter ?? null,
    });
  }
  const trigger = await call<Trigger>(db, 'jobforge_create_trigger', '$1::jsonb, $2', [
    JSON.stringify(body),
    tenantOf(options),
  ]);
  const warnings =
    options.knownJobTypes && !options.knownJobTypes.includes(spec.jobType)
      ? [
          `no handler for job type "${spec.jobType}" is registered (known: ${options.knownJobTypes.join(', ')}); its jobs wait until a worker handles that type`,
        ]
      : [];
  return { trigger, warnings };
}

/** Every trigger of the tenant (of every tenant for a trusted role without one). */
export async function listTriggers(db: SqlTarget, options: TenantOption = {}): Promise<Trigger[]> {
  return call(db, 'jobforge_list_triggers', 'null, $1, $2', [
    tenantOf(options),
    projectOf(options),
  ]);
}

/** One trigger by id or name; null when there is none. */
export async function getTrigger(
  db: SqlTarget,
  ref: string,
  options: TenantOption = {},
): Promise<Trigger | null> {
  const found = await call<Trigger[]>(db, 'jobforge_list_triggers', '$1, $2, $3', [
    ref,
    tenantOf(options),
    projectOf(options),
  ]);
  return found[0] ?? null;
}

/**
 * Pauses, resumes (enabled) or disables a trigger by id or name; null when there is none. Resuming
 * a cron trigger starts from the next slot after now: a paused stretch is not replayed.
 */
export async function setTriggerState(
  db: SqlTarget,
  ref: string,
  state: TriggerState,
  options: TenantOption & { now?: Date } = {},
): Promise<Trigger | null> {
  let next: string | null = null;
  if (state === 'enabled') {
    const current = await getTrigger(db, ref, options);
    if (current?.kind === 'cron' && current.cron && current.timezone) {
      next =
        parseSchedule(current.cron, current.timezone)
          .next(options.now ?? new Date())
          ?.toISOString() ?? null;
    }
  }
  return call(db, 'jobforge_set_trigger_state', '$1, $2, $3, $4, $5', [
    ref,
    state,
    next,
    tenantOf(options),
    projectOf(options),
  ]);
}

/** A trigger's fires, skips, misses and errors, newest first. */
export async function triggerHistory(
  db: SqlTarget,
  ref: string,
  options: TenantOption & { limit?: number; beforeId?: string } = {},
): Promise<TriggerHistoryRow[]> {
  return call(db, 'jobforge_trigger_history', '$1, $2, $3, $4, $5', [
    ref,
    options.limit ?? 50,
    options.beforeId ?? null,
    tenantOf(options),
    projectOf(options),
  ]);
}
