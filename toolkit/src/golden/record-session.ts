import { rm } from 'node:fs/promises';
import { isJobForgeError } from '@jobforge/sdk';
import { createRecordingFetch, type Recording, writeRecording } from '@jobforge/sdk/testing';
import { explainFailure } from './explain-failure.js';
import type { GoldenRunSession } from './run-golden-cases.js';
import { GOLDEN_SERVER_ALIAS, type SessionScope } from './session-scope.js';

/**
 * A live run whose exchanges are captured, redacted and, once the run is over, written to the
 * case's recording (or the recording refused, when a secret would survive).
 */
export function openRecordSession(scope: SessionScope, serverUrl?: string): GoldenRunSession {
  const secrets = liveSecrets(scope.golden.secrets ?? {}, scope.env);
  const recorder = createRecordingFetch(globalThis.fetch, {
    secrets,
    redact: scope.golden.http?.redact,
    label: scope.label,
    ...(serverUrl ? { aliases: { [GOLDEN_SERVER_ALIAS]: serverUrl } } : {}),
  });
  return {
    serverUrl,
    context: { fetch: recorder.fetch, secrets },
    finish: async (result) => scope.finish(await saveRecording(scope.path, recorder), result),
  };
}

/** A live run: real fetch, real secrets where the environment has them, nothing written. */
export function openLiveSession(scope: SessionScope, serverUrl?: string): GoldenRunSession {
  const secrets = liveSecrets(scope.golden.secrets ?? {}, scope.env);
  return { serverUrl, context: { secrets }, finish: async (result) => scope.finish([], result) };
}

/** The case's test values, each replaced by `JOBFORGE_SECRET_<NAME>` when that is set. */
function liveSecrets(
  declared: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(declared)) {
    const real = env[`JOBFORGE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
    out[name] = real ?? value;
  }
  return out;
}

async function saveRecording(
  path: string,
  recorder: { recording(): Recording },
): Promise<string[]> {
  let made: Recording;
  try {
    made = recorder.recording();
  } catch (error) {
    if (isJobForgeError(error)) return [explainFailure(error)];
    throw error;
  }
  // A case that makes no request needs no fixture; a stale one would only mislead.
  if (made.exchanges.length === 0) await rm(path, { force: true });
  else await writeRecording(path, made);
  return [];
}
