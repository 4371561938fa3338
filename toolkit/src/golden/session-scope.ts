import type { GoldenCase, Run } from './run-golden-cases.js';

/**
 * The name `{{golden_server}}` has inside a recording, whatever port the local golden server had
 * when it was made; replay binds it to an address that is never contacted.
 */
export const GOLDEN_SERVER_ALIAS = 'http://golden-server.test';

/** The address `{{golden_server}}` takes during replay: the discard port, refused if ever dialled. */
export const REPLAY_SERVER = 'http://127.0.0.1:9';

/** What a record, live or replay session knows about its case. */
export interface SessionScope {
  golden: GoldenCase;
  /** `case "<name>"`, for messages. */
  label: string;
  /** The case's recording file. */
  path: string;
  /** The connector folder as the user would type it. */
  shownDir: string;
  recordHint: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Ends a run: the session's own failures explain the result; otherwise the manifest checks run. */
  finish(failures: string[], result: Run): Promise<{ failures: string[]; replacesCheck?: boolean }>;
}
