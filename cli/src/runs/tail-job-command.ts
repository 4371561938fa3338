import type { QueueClient } from '@jobforge/queue';

/** `jobforge jobs tail <id>`: one line per event (`--json`: one JSON object per line). */
export async function tailJobCommand(
  client: QueueClient,
  jobId: string,
  json: boolean,
  tenant?: string,
): Promise<void> {
  const { createRunsClient, requireFeature } = await import('@jobforge/queue');
  requireFeature('runs');
  const { formatEvent, tailJob } = await import('./tail-job.js');
  const runs = createRunsClient(client.driver, tenant ? { tenantId: tenant } : {});
  const status = await tailJob(
    client,
    runs,
    jobId,
    (event) => process.stdout.write(`${json ? JSON.stringify(event) : formatEvent(event)}\n`),
    tenant ? { tenantId: tenant } : {},
  );
  if (!json) process.stdout.write(`job ${jobId} ${status}\n`);
}
