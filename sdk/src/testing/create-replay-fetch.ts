import { JobForgeError } from '../errors.js';
import { type Aliases, aliasRequest, aliasResponse } from './alias-exchange.js';
import { captureRequest } from './capture-exchange.js';
import { nullBodyStatus } from './create-recording-fetch.js';
import { describeExchange } from './describe-exchange.js';
import { diffRequest, type MatchOptions } from './diff-request.js';
import { findLeak } from './find-leak.js';
import { decodeBody } from './recorded-body.js';
import type {
  RecordedExchange,
  RecordedRequest,
  RecordedResponse,
  Recording,
} from './recording-schema.js';
import { createRedactor, type RedactOptions } from './redact-exchange.js';
import type { Secrets } from './secret-text.js';
import { unmatchedError } from './unmatched-error.js';

export interface ReplayOptions {
  /**
   * The secrets the connector runs with in the test (placeholders in CI). Requests are redacted
   * with them exactly as the recording was, so `Bearer <placeholder>` matches `[REDACTED]`.
   */
  secrets?: Secrets;
  /** The same redaction the recording was made with. */
  redact?: RedactOptions;
  match?: MatchOptions;
  /** Names the case in messages: `case "lists users"`. */
  label?: string;
  /** The fixture file, for messages. */
  source?: string;
  /** The command that re-records the case, for hints. */
  recordHint?: string;
  /** The same names the recording was made with, bound to this run's actual values. */
  aliases?: Aliases;
}

export interface ReplayFetch {
  /** Pass as `context.fetch`: answers from the recording and never opens a connection. */
  fetch: typeof fetch;
  /** Requests that matched no recorded exchange; the fetch also rejected with each. */
  readonly failures: readonly JobForgeError[];
  /** Recorded exchanges no request has used yet (1-based numbers). */
  unused(): number[];
}

/**
 * A fetch that answers from a recording. Each request is redacted as the recording was, then
 * matched by method, URL (query order aside) and body, and by headers except transport ones, to
 * the first not-yet-used exchange that agrees; `match` ignores fields that change on every run.
 * An unmatched request rejects with `REPLAY_UNMATCHED`, showing how it differs from the nearest
 * recorded request, and is kept in `failures` so a test fails even if the connector swallowed it.
 *
 * @example
 * const replay = createReplayFetch(await readRecording(file), { match: { ignoreBodyPaths: ['sent_at'] } });
 * const result = await runConnector(connector, { input, context: { fetch: replay.fetch } });
 * expect(replay.failures).toEqual([]);
 */
export function createReplayFetch(recording: Recording, options: ReplayOptions = {}): ReplayFetch {
  const secrets = options.secrets ?? {};
  const redactor = createRedactor(secrets, options.redact);
  const who = options.label ? `${options.label}: ` : '';
  const where = (n: number) => `${options.source ?? 'recording'}#/exchanges/${n - 1}`;
  const hint = options.recordHint ?? 'record the case again with `jobforge test --record`';
  const exchanges = recording.exchanges;
  checkNoLeak(exchanges, secrets, redactor, who, where, hint);
  const keys = exchanges.map((exchange) => routeKey(exchange.request));
  const used = new Set<number>();
  const failures: JobForgeError[] = [];
  let requests = 0;

  const replayFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    request.signal.throwIfAborted();
    const number = ++requests;
    const captured = aliasRequest(await captureRequest(request), options.aliases, 'toName');
    const actual = redactor.request(captured);
    // Cheap test first: only an unused exchange with the same method and path can match.
    const key = routeKey(actual);
    const index = exchanges.findIndex(
      (exchange, i) =>
        !used.has(i) &&
        keys[i] === key &&
        diffRequest(exchange.request, actual, options.match).length === 0,
    );
    if (index !== -1) {
      used.add(index);
      const { response } = exchanges[index] as RecordedExchange;
      return replayResponse(aliasResponse(response, options.aliases, 'toActual'), request.url);
    }
    const diffs = exchanges.map((exchange) => diffRequest(exchange.request, actual, options.match));
    const error = unmatchedError(number, actual, exchanges, diffs, used, { who, where, hint });
    failures.push(error);
    throw error;
  };

  return {
    fetch: replayFetch as typeof fetch,
    failures,
    unused: () => exchanges.flatMap((_, i) => (used.has(i) ? [] : [i + 1])),
  };
}

/** Method and URL without query or fragment: what every match must share. */
function routeKey(request: RecordedRequest): string {
  return `${request.method} ${request.url.split(/[?#]/, 1)[0]}`;
}

function replayResponse(recorded: RecordedResponse, url: string): Response {
  const { status, headers, body } = recorded;
  const bytes = nullBodyStatus(status) ? undefined : decodeBody(body);
  // A JSON body is served re-serialized, so its length is what it is now, not what was recorded.
  const sent =
    'content-length' in headers
      ? { ...headers, 'content-length': String(bytes?.byteLength ?? 0) }
      : headers;
  const response = new Response(bytes ?? null, { status, headers: sent });
  Object.defineProperty(response, 'url', { value: url });
  return response;
}

/** A hand-edited or foreign fixture may hold a credential; replaying it would spread it further. */
function checkNoLeak(
  exchanges: readonly RecordedExchange[],
  secrets: Secrets,
  redactor: ReturnType<typeof createRedactor>,
  who: string,
  where: (n: number) => string,
  hint: string,
): void {
  exchanges.forEach((exchange, i) => {
    const leak = findLeak(exchange, secrets, redactor);
    if (!leak) return;
    throw new JobForgeError(
      'RECORDING_LEAKS_SECRET',
      `${who}${describeExchange(i + 1, exchange.request)} holds ${leak.secret === 'credential header' ? 'an unredacted credential' : `the value of secret ${leak.secret}`} in ${leak.where}`,
      {
        where: where(i + 1),
        hint: `remove it from the fixture (replace the value with "[REDACTED]") and rotate the credential if the file was ever shared, or ${hint}`,
      },
    );
  });
}
