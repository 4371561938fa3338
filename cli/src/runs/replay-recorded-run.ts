import { join, resolve } from 'node:path';
import type { QueueDriver } from '@jobforge/queue';
import type { ReplayResult, Runtime } from '@jobforge/runtime';
import { JobForgeError } from '@jobforge/sdk';
import { type RunLookup, readRunRecord } from './read-run-record.js';

export interface ReplayRequest extends RunLookup {
  /** Where the connector folders are (default ./connectors). */
  connectorsDir?: string;
  /** A connector folder to replay against instead of the one the run names (any integrity). */
  artifact?: string;
  /** Replay against this version of the connector (the folder found must have it). */
  version?: string;
  cacheDir?: string;
}

/**
 * Replays a recorded run in the sandbox: the run's own connector (the same integrity, unless
 * `artifact` or `version` asks for another), its stored input and recorded HTTP, no network.
 */
export async function replayRecordedRun(
  driver: QueueDriver,
  runtime: Runtime,
  runId: string,
  request: ReplayRequest = {},
): Promise<ReplayResult> {
  const { prepareConnectorDir, replayRun } = await import('@jobforge/runtime');
  const run = await readRunRecord(driver, runId, request);
  const receipt = run.receipt;
  if (!receipt)
    throw new JobForgeError('RUN_NOT_VERIFIED', `run ${run.run_id} has no readable receipt`, {
      hint: `see \`jobforge impact show --run ${run.run_id}\``,
    });
  const dir = request.artifact
    ? resolve(request.artifact)
    : join(resolve(request.connectorsDir ?? 'connectors'), receipt.connector.id);
  const connector = await prepareConnectorDir(dir, request.cacheDir ?? join('.jobforge', 'cache'));
  if (request.version && connector.metadata.version !== request.version)
    throw new JobForgeError(
      'VERSION_NOT_FOUND',
      `${dir} holds ${connector.metadata.connector_id}@${connector.metadata.version}, not ${request.version}`,
      { hint: 'point --artifact at the folder of the version to replay against' },
    );
  return replayRun(runtime, run, connector, {
    allowOtherArtifact: Boolean(request.artifact || request.version),
  });
}

export function formatReplay(result: ReplayResult): string {
  if (result.identical)
    return `replay of run ${result.run_id}: identical (output sha256 ${result.replay_output_hash})\n`;
  return [
    `replay of run ${result.run_id}: DIFFERENT`,
    `  signed output  ${result.original_output_hash}`,
    `  replay output  ${result.replay_output_hash}`,
    ...result.diff.map((d) => `  ${d}`),
    ...result.unmatched.map((u) => `  unmatched request: ${u}`),
    '',
  ].join('\n');
}
