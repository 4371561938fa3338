import {
  type ConnectorFn,
  type ConnectorOutcome,
  type JsonObject,
  type JsonValue,
  runConnector,
} from '@jobforge/sdk';
import { createReplayFetch, type RecordedResponse, type Recording } from '@jobforge/sdk/testing';
import type { GoldenCase } from '../golden/run-golden-cases.js';
import { GOLDEN_SERVER_ALIAS, REPLAY_SERVER } from '../golden/session-scope.js';
import { type ContractManifest, checkErrorAgainstManifest } from './manifest-contract.js';

/** The failing answers injected in place of a recorded one: a 5xx, a 429 and a 4xx. */
export const RETRY_PROBES: readonly RecordedResponse[] = [
  probe(503, {}),
  probe(429, { 'retry-after': '1' }),
  probe(400, {}),
];

function probe(status: number, headers: Record<string, string>): RecordedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: { json: { error: `status ${status} injected by the jobforge contract test` } },
  };
}

export interface RetryContractResult {
  failures: string[];
  /** One line per probe: `503 → UPSTREAM_UNAVAILABLE, retried`. */
  summary: string[];
}

/**
 * Replays a recorded case with its first response replaced by a 503, a 429 and a 400 (the
 * recorded answer follows, for a retry to get), with retries allowed, and checks each first
 * failure against the manifest: a declared failure_modes type with its declared retryable flag
 * (or a standard code), retried when retryable and not retried when not.
 */
export async function checkRetryContract(
  fn: ConnectorFn,
  manifest: ContractManifest & {
    connector_id: string;
    version: string;
    supported_job_types: string[];
  },
  golden: GoldenCase,
  recording: Recording,
): Promise<RetryContractResult> {
  const failures: string[] = [];
  const summary: string[] = [];
  const first = recording.exchanges[0];
  if (!first) return { failures, summary };
  for (const response of RETRY_PROBES) {
    const injected: Recording = {
      ...recording,
      exchanges: [{ request: first.request, response }, ...recording.exchanges],
    };
    const base = `${REPLAY_SERVER}/contract`;
    const replayer = createReplayFetch(injected, {
      secrets: golden.secrets ?? {},
      redact: golden.http?.redact,
      match: golden.http?.match,
      label: `contract probe ${response.status} on case "${golden.name}"`,
      aliases: { [GOLDEN_SERVER_ALIAS]: base },
    });
    const attempts: (ConnectorOutcome | { threw: true })[] = [];
    const spy: ConnectorFn = async (params) => {
      try {
        const outcome = await fn(params);
        attempts.push(outcome);
        return outcome;
      } catch (error) {
        attempts.push({ threw: true });
        throw error;
      }
    };
    const fill = (value: unknown) =>
      JSON.parse(JSON.stringify(value ?? null).replaceAll('{{golden_server}}', base)) as JsonValue;
    await runConnector(
      spy,
      {
        config: {
          timeout_ms: 10_000,
          retry_policy: { max_retries: 2, base_delay_ms: 0, max_delay_ms: 0 },
          ...(golden.settings ? { settings: fill(golden.settings) as JsonObject } : {}),
        },
        input: {
          operation: golden.operation ?? manifest.supported_job_types[0] ?? '',
          payload: fill(golden.input),
        },
        context: {
          fetch: replayer.fetch,
          secrets: golden.secrets ?? {},
          tenant_id: 'contract',
          trace_id: `contract-${response.status}`,
        },
      },
      {
        connector: { id: manifest.connector_id, version: manifest.version },
        sleep: async () => true,
      },
    );
    const status = response.status;
    for (const unmatched of replayer.failures)
      failures.push(`contract: on a ${status}: ${unmatched.message.replaceAll('\n', '\n  ')}`);
    const outcome = attempts[0];
    if (!outcome || 'threw' in outcome) {
      summary.push(`${status} → the connector threw`);
      failures.push(
        `contract: on a ${status} the connector threw instead of returning an error; return { ok: false, error: { code, retryable } } with a declared failure_modes type`,
      );
      continue;
    }
    if (outcome.ok) {
      summary.push(`${status} → ok`);
      continue;
    }
    const { code, retryable } = outcome.error;
    const retried = attempts.length > 1;
    summary.push(`${status} → ${code}, ${retried ? 'retried' : 'not retried'}`);
    failures.push(
      ...checkErrorAgainstManifest(manifest, outcome.error).map(
        (line) => `${line} (on a ${status})`,
      ),
    );
    if (retryable !== retried)
      failures.push(
        `contract: on a ${status} the ${retryable ? 'retryable' : 'non-retryable'} error ${code} was ${retried ? '' : 'not '}retried`,
      );
  }
  return { failures, summary };
}
