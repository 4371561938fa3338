import { relative } from 'node:path';
import { openLiveSession, openRecordSession } from './record-session.js';
import { recordingPaths } from './recording-paths.js';
import { openReplaySession } from './replay-session.js';
import type { GoldenCase, GoldenRunSession, Run } from './run-golden-cases.js';
import type { SessionScope } from './session-scope.js';

export { GOLDEN_SERVER_ALIAS, REPLAY_SERVER } from './session-scope.js';

/** `replay` answers from fixtures with no network; `record` runs live once and writes them; `live` bypasses both. */
export type HttpMode = 'replay' | 'record' | 'live';

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
  onRun?: (golden: GoldenCase, run: Run) => string[];
}

/**
 * Sessions for `runGoldenCases` that record or replay each case's HTTP through `context.fetch`,
 * with the fixture at `test/fixtures/recordings/<case-slug>.json`. In record mode the repeat run
 * of a deterministic case replays what was just recorded.
 */
export function httpSessions(
  options: HttpSessionsOptions,
): (golden: GoldenCase, run: string, repeat: number) => Promise<GoldenRunSession> {
  const paths = recordingPaths(options.dir, options.cases);
  const shownDir = relative(process.cwd(), options.dir) || '.';
  const recordHint = `record the case again with \`jobforge test --record ${shownDir}\` (it needs the live service once)`;
  return async (golden, run, repeat) => {
    const scope: SessionScope = {
      golden,
      label: `case "${golden.name}"`,
      path: paths.get(golden.name) as string,
      shownDir,
      recordHint,
      env: options.env ?? {},
      finish: async (failures, result) =>
        failures.length > 0
          ? { failures, replacesCheck: true }
          : { failures: options.onRun?.(golden, result) ?? [] },
    };
    if (options.mode === 'live') return openLiveSession(scope, options.liveServerUrl?.(run));
    if (options.mode === 'record' && repeat === 0)
      return openRecordSession(scope, options.liveServerUrl?.(run));
    return openReplaySession(scope, run);
  };
}
