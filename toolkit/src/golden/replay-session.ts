import { relative } from 'node:path';
import { isJobForgeError } from '@jobforge/sdk';
import {
  createReplayFetch,
  RECORDING_FORMAT_VERSION,
  type Recording,
  readRecording,
} from '@jobforge/sdk/testing';
import { explainFailure } from './explain-failure.js';
import type { GoldenRunSession } from './run-golden-cases.js';
import { GOLDEN_SERVER_ALIAS, REPLAY_SERVER, type SessionScope } from './session-scope.js';

/**
 * A run answered from the case's recording, with no network: `{{golden_server}}` is bound to an
 * address that is never dialled. A missing, unreadable or leaking recording, an unmatched request
 * and an exchange never asked for each fail the case with what to do.
 */
export async function openReplaySession(
  scope: SessionScope,
  run: string,
): Promise<GoldenRunSession> {
  const { golden, label, path, recordHint } = scope;
  const serverUrl = `${REPLAY_SERVER}/${run}`;
  const source = relative(process.cwd(), path) || path;
  const refused = (error: Error): GoldenRunSession => ({
    serverUrl,
    context: { fetch: (async () => Promise.reject(error)) as unknown as typeof fetch },
    finish: async (result) => scope.finish([explainFailure(error)], result),
  });
  let recording: Recording = { format_version: RECORDING_FORMAT_VERSION, exchanges: [] };
  let missing = false;
  try {
    recording = await readRecording(path, { label, recordHint });
  } catch (error) {
    if (!isJobForgeError(error)) throw error;
    missing = error.code === 'RECORDING_MISSING';
    if (!missing) return refused(error);
  }
  let replayer: ReturnType<typeof createReplayFetch>;
  try {
    replayer = createReplayFetch(recording, {
      secrets: golden.secrets ?? {},
      redact: golden.http?.redact,
      match: golden.http?.match,
      label,
      source,
      recordHint,
      aliases: { [GOLDEN_SERVER_ALIAS]: serverUrl },
    });
  } catch (error) {
    if (!isJobForgeError(error)) throw error;
    return refused(error);
  }
  return {
    serverUrl,
    context: { fetch: replayer.fetch },
    finish: async (result) => {
      let failures = replayer.failures.map(explainFailure);
      if (missing && failures.length > 0) {
        const first = /request #1 \((.*?)\) /.exec(replayer.failures[0]?.message ?? '')?.[1];
        failures = [
          `${label}: the connector made a request${first ? ` (${first})` : ''}, but there is no recording ${source}\n      fix: record it with \`jobforge test --record ${scope.shownDir}\` (it needs the live service once)`,
        ];
      }
      // An unmatched request leaves its exchange unused: saying so twice would only confuse.
      if (failures.length === 0)
        for (const n of replayer.unused())
          failures.push(
            `${label}: exchange #${n} of ${source} was never requested (the connector now makes fewer requests)\n      fix: ${recordHint}`,
          );
      return scope.finish(failures, result);
    },
  };
}
