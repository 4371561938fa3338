import type { QueueDriver } from '@jobforge/queue';
import { CONNECTOR_JOB_TYPE } from './connector-job-handler.js';

export interface TriggersDemoReport {
  /** Jobs the cron trigger and the event trigger enqueued (the worker runs them with the rest). */
  jobIds: string[];
  lines: string[];
}

/**
 * The triggers leg of the demo: a cron trigger (every second, UTC) fires one slot through the
 * scheduler, and an event trigger turns an `order.created` event into a job; both enqueue echo
 * connector jobs. The scheduler runs on a clock set to the slot, so the demo never sleeps.
 */
export async function runTriggersDemo(
  driver: QueueDriver,
  tenantId: string,
): Promise<TriggersDemoReport> {
  // The demo turns on the features it shows (off by default in a deployment).
  process.env.JOBFORGE_EVENTS_ENABLED = '1';
  process.env.JOBFORGE_TRIGGERS_ENABLED = '1';
  const { addTrigger, createScheduler, submitEvent, triggerHistory } = await import(
    '@jobforge/queue'
  );
  const { trigger: cron } = await addTrigger(
    driver,
    {
      name: 'demo-every-second',
      cron: '* * * * * *',
      timezone: 'UTC',
      jobType: CONNECTOR_JOB_TYPE,
      payload: { connector: 'echo', input: { message: { $from: 'slot' } } },
    },
    { tenantId },
  );
  await addTrigger(
    driver,
    {
      name: 'demo-on-order',
      event: 'order.created',
      jobType: CONNECTOR_JOB_TYPE,
      payload: { connector: 'echo', input: { message: { $from: 'data.note' }, uppercase: true } },
    },
    { tenantId },
  );
  const slot = Date.parse(cron.next_fire_at ?? '');
  await createScheduler({ driver, holder: 'demo', clock: () => new Date(slot + 10) }).tick();
  await submitEvent(
    driver,
    {
      id: 'order-42',
      source: 'demo/shop',
      type: 'order.created',
      data: { note: 'order 42 created' },
    },
    { tenantId },
  );
  const fired = [
    ...(await triggerHistory(driver, 'demo-every-second', { tenantId })),
    ...(await triggerHistory(driver, 'demo-on-order', { tenantId })),
  ].filter((h) => h.outcome === 'fired' && h.job_id);
  return {
    jobIds: fired.map((h) => h.job_id!),
    lines: [
      `cron trigger demo-every-second ("* * * * * *" UTC) fired the slot ${new Date(slot).toISOString()}`,
      'event trigger demo-on-order turned the order.created event into a job',
    ],
  };
}
