import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isJobForgeError } from '@jobforge/sdk';
import {
  createRecordingFetch,
  createReplayFetch,
  RECORDING_FORMAT_VERSION,
  type Recording,
  readRecording,
  writeRecording,
} from '@jobforge/sdk/testing';
import type { GoldenCase, GoldenRunSession } from './run-golden-cases.js';

/** `replay` answers from fixtures with no network; `record` runs live once and writes them; `live` bypasses both. */
export type HttpMode = 'replay' | 'record' | 'live';

/** Where a connector keeps its cases' recordings, relative to its folder (beside test/golden.json). */
export const RECORDINGS_DIR = 'test/fixtures/recordings';

/**
 * The name `{{golden_server}}` has inside a recording, whatever port the local golden server had
 * when it was made; replay binds it to an address that is never contacted.
 */
export const GOLDEN_SERVER_ALIAS = 'http://golden-server.test';

/** The address `{{golden_server}}` takes during replay: the discard port, refused if ever dialled. */
export const REPLAY_SERVER = 'http://127.0.0.1:9';

export interface HttpSessionsOptions {
  mode: HttpMode;
  /** The connector folder. */
  dir: string;
  cases: readonly GoldenCase[];
  /** The live golden server's base URL for a run (record and live modes). */
  liveServerUrl?: (run: string) => string;
  /** Where real secrets come from when recording or live: `JOBFORGE_SECRET_<NAME>`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Sees each run's result, for checks derived from the manifest. */
  onRun?: (golden: GoldenCase, run: Parameters<GoldenRunSession['finish']>[0]) => string[];
}

/**
 * Sessions for `runGoldenCases` that record or replay each case's HTTP through `context.fetch`,
 * with the fixture at `test/fixtures/recordings/<case-slug>.json`.
 */
export function httpSessions(
  options: HttpSessionsOptions,
): (golden: GoldenCase, run: string, repeat: number) => Promise<GoldenRunSession> {
  const paths = recordingPaths(options.dir, options.cases);
  const recordHint = `record the case again with \`jobforge test --record ${shown(options.dir)}\` (it needs the live service once)`;
  return async (golden, run, repeat) => {
    const path = paths.get(golden.name) as string;
    const label = `case "${golden.name}"`;
    const http = golden.http ?? {};
    // Failures of the recording or replay explain the run's result; the manifest checks do not.
    const finishWith = (extra: string[]) => (result: Parameters<GoldenRunSession['finish']>[0]) =>
      Promise.resolve(
        extra.length > 0
          ? { failures: extra, replacesCheck: true }
          : { failures: options.onRun?.(golden, result) ?? [] },
      );
    if (options.mode !== 'replay' && repeat === 0) {
      const serverUrl = options.liveServerUrl?.(run);
      const secrets = liveSecrets(golden.secrets ?? {}, options.env ?? {});
      if (options.mode === 'live')
        return { serverUrl, context: { secrets }, finish: finishWith([]) };
      const recorder = createRecordingFetch(globalThis.fetch, {
        secrets,
        redact: http.redact,
        label,
        ...(serverUrl ? { aliases: { [GOLDEN_SERVER_ALIAS]: serverUrl } } : {}),
      });
      return {
        serverUrl,
        context: { fetch: recorder.fetch, secrets },
        finish: async (result) => {
          const extra = await saveRecording(path, () => recorder.recording());
          return finishWith(extra)(result);
        },
      };
    }
    if (options.mode === 'live')
      return { serverUrl: options.liveServerUrl?.(run), finish: finishWith([]) };
    // Replay; in record mode the repeat run of a deterministic case replays what was just recorded.
    const serverUrl = `${REPLAY_SERVER}/${run}`;
    const source = relative(process.cwd(), path) || path;
    let recording: Recording;
    let missing = false;
    try {
      recording = await readRecording(path, { label, recordHint });
    } catch (error) {
      if (!isJobForgeError(error)) throw error;
      recording = { format_version: RECORDING_FORMAT_VERSION, exchanges: [] };
      missing = error.code === 'RECORDING_MISSING';
      if (!missing)
        return {
          serverUrl,
          context: { fetch: refuseAll(error) },
          finish: finishWith([explain(error)]),
        };
    }
    let replayer: ReturnType<typeof createReplayFetch>;
    try {
      replayer = createReplayFetch(recording, {
        secrets: golden.secrets ?? {},
        redact: http.redact,
        match: http.match,
        label,
        source,
        recordHint,
        aliases: { [GOLDEN_SERVER_ALIAS]: serverUrl },
      });
    } catch (error) {
      if (!isJobForgeError(error)) throw error;
      return {
        serverUrl,
        context: { fetch: refuseAll(error) },
        finish: finishWith([explain(error)]),
      };
    }
    return {
      serverUrl,
      context: { fetch: replayer.fetch },
      finish: async (result) => {
        let extra = replayer.failures.map(explain);
        if (missing && extra.length > 0) {
          const first = /request #1 \((.*?)\) /.exec(replayer.failures[0]?.message ?? '')?.[1];
          extra = [
            `${label}: the connector made a request${first ? ` (${first})` : ''}, but there is no recording ${source}\n      fix: record it with \`jobforge test --record ${shown(options.dir)}\` (it needs the live service once)`,
          ];
        }
        // An unmatched request leaves its exchange unused: saying so twice would only confuse.
        if (extra.length === 0)
          for (const n of replayer.unused())
            extra.push(
              `${label}: exchange #${n} of ${source} was never requested (the connector now makes fewer requests)\n      fix: ${recordHint}`,
            );
        return finishWith(extra)(result);
      },
    };
  };
}

/** One file per case, named after the case; a clash of names gets a numeric suffix. */
export function recordingPaths(dir: string, cases: readonly GoldenCase[]): Map<string, string> {
  const taken = new Set<string>();
  const paths = new Map<string, string>();
  for (const golden of cases) {
    const base =
      golden.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80) || 'case';
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    paths.set(golden.name, join(dir, RECORDINGS_DIR, `${slug}.json`));
  }
  return paths;
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

async function saveRecording(path: string, recording: () => Recording): Promise<string[]> {
  let made: Recording;
  try {
    made = recording();
  } catch (error) {
    if (isJobForgeError(error)) return [explain(error)];
    throw error;
  }
  // A case that makes no request needs no fixture; a stale one would only mislead.
  if (made.exchanges.length === 0) await rm(path, { force: true });
  else await writeRecording(path, made);
  return [];
}

function refuseAll(error: Error): typeof fetch {
  return (async () => {
    throw error;
  }) as unknown as typeof fetch;
}

/** A message and its fix, the diff lines indented under the runner's failure line. */
function explain(error: Error & { hint?: string }): string {
  const message = error.message.replaceAll('\n', '\n  ');
  return `${message}${error.hint ? `\n      fix: ${error.hint}` : ''}`;
}

function shown(dir: string): string {
  return relative(process.cwd(), dir) || '.';
}
