import { isFeatureEnabled, type Logger, type QueueDriver, runScheduler } from '@jobforge/queue';

/**
 * Starts the cron scheduler beside a worker when JOBFORGE_TRIGGERS_ENABLED is on (a no-op
 * otherwise); `stop` ends it and gives its lease up, so a standby worker leads at once.
 */
export function startTriggerScheduler(
  driver: QueueDriver,
  logger: Logger,
): { stop: () => Promise<void> } {
  if (!isFeatureEnabled('triggers')) return { stop: async () => {} };
  const controller = new AbortController();
  const done = runScheduler({
    driver,
    signal: controller.signal,
    logger: logger.child({ component: 'scheduler' }),
  }).catch((error: Error) => logger.error('scheduler stopped', { error: error.message }));
  return {
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}
