import { JobForgeError } from '../errors.js';
import { type Aliases, aliasRequest, aliasResponse } from './alias-exchange.js';
import { captureRequest, captureResponse } from './capture-exchange.js';
import { describeExchange } from './describe-exchange.js';
import { findLeak } from './find-leak.js';
import {
  RECORDING_FORMAT_VERSION,
  type RecordedExchange,
  type Recording,
} from './recording-schema.js';
import { createRedactor, type RedactOptions } from './redact-exchange.js';
import type { Secrets } from './secret-text.js';

export interface RecordingOptions {
  /** The secrets the connector runs with: their values never reach the recording. */
  secrets?: Secrets;
  redact?: RedactOptions;
  /** Names the case in messages: `case "lists users"`. */
  label?: string;
  /** Run-specific strings (a local server's address) kept under a stable name. */
  aliases?: Aliases;
}

export interface RecordingFetch {
  /** Pass as `context.fetch`: it calls the real fetch and keeps a redacted copy of each exchange. */
  fetch: typeof fetch;
  /** The redacted exchanges so far, in the order they completed. */
  readonly exchanges: readonly RecordedExchange[];
  /** Exchanges refused because a secret survived redaction (they are not kept). */
  readonly refused: readonly JobForgeError[];
  /** The recording to write; throws the first refusal, so a leaking recording is never saved. */
  recording(): Recording;
}

/**
 * Wraps a real fetch so that every exchange through it is captured and redacted before it is kept:
 * method, URL, headers and body of the request; status, headers and body of the response. The
 * connector still gets the live response. An exchange in which a secret survives redaction (in a
 * binary body, say) is refused, and `recording()` then throws naming it.
 *
 * @example
 * const recorder = createRecordingFetch(fetch, { secrets: { API_KEY: key } });
 * await runConnector(connector, { input, context: { fetch: recorder.fetch, secrets: { API_KEY: key } } });
 * await writeRecording('test/cases/list.recording.json', recorder.recording());
 */
export function createRecordingFetch(
  realFetch: typeof fetch,
  options: RecordingOptions = {},
): RecordingFetch {
  const secrets = options.secrets ?? {};
  const redactor = createRedactor(secrets, options.redact);
  const exchanges: RecordedExchange[] = [];
  const refused: JobForgeError[] = [];
  let started = 0;

  const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const number = ++started;
    const recordedRequest = await captureRequest(request);
    const response = await realFetch(request);
    const { recorded: recordedResponse, bytes } = await captureResponse(response);
    // Redact first: nothing unredacted outlives this function.
    const exchange = redactor.exchange({
      request: aliasRequest(recordedRequest, options.aliases, 'toName'),
      response: aliasResponse(recordedResponse, options.aliases, 'toName'),
    });
    const leak = findLeak(exchange, secrets, redactor);
    if (leak) {
      refused.push(
        new JobForgeError(
          'RECORDING_LEAKS_SECRET',
          `${options.label ? `${options.label}: ` : ''}${describeExchange(number, exchange.request)} still contains ${leak.secret === 'credential header' ? 'a credential' : `the value of secret ${leak.secret}`} in ${leak.where} after redaction; the recording was not written`,
          {
            where: `exchange #${number} ${leak.where}`,
            hint: leak.where.endsWith('.body')
              ? 'a binary body cannot be redacted: record against a test account whose secret the service does not send back, or add the field to redact.bodyKeys'
              : 'add the name to redact.headers, redact.queryKeys or redact.bodyKeys in the case',
          },
        ),
      );
    } else {
      exchanges.push(exchange);
    }
    const copy = new Response(nullBodyStatus(response.status) ? null : bytes, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    Object.defineProperty(copy, 'url', { value: response.url });
    return copy;
  };

  return {
    fetch: recordingFetch as typeof fetch,
    exchanges,
    refused,
    recording() {
      if (refused[0]) throw refused[0];
      return { format_version: RECORDING_FORMAT_VERSION, exchanges: [...exchanges] };
    },
  };
}

/** Statuses whose Response may not carry a body (the constructor throws otherwise). */
export function nullBodyStatus(status: number): boolean {
  return status === 101 || status === 103 || status === 204 || status === 205 || status === 304;
}
