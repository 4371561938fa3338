import {
  boundText,
  type ConnectorError,
  canonicalize,
  type EvidenceDenial,
  type JsonValue,
  redactSecrets,
  sha256Hex,
} from '@jobforge/sdk';

export type CheckedOutcome =
  /** `outputHash`: the sha256 of `data`'s canonical form, when the check has already taken it. */
  | { ok: true; data: JsonValue; claims: unknown; outputHash?: string }
  | { ok: false; error: ConnectorError; claims: unknown };

const CODE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const MAX_MESSAGE = 1000;

/**
 * The host's own check of what a child reported: the child's checks are defence in depth, this one
 * decides. Shape, error code, JSON-ness (canonical form), no `__proto__` keys; secrets redacted from
 * every message.
 */
export function checkChildOutcome(
  outcome: unknown,
  secrets: Readonly<Record<string, string>>,
): CheckedOutcome {
  const invalid = (why: string): CheckedOutcome => ({
    ok: false,
    error: {
      code: 'INVALID_RESULT',
      message: boundText(`the connector returned an invalid result: ${why}`, MAX_MESSAGE),
      retryable: false,
    },
    claims: undefined,
  });
  if (typeof outcome !== 'object' || outcome === null || Array.isArray(outcome))
    return invalid('expected { ok, data | error }');
  const o = outcome as Record<string, unknown>;
  const protoProblem = findProtoProblem(outcome);
  if (protoProblem) return invalid(protoProblem);
  if (o.ok === true) {
    if (!('data' in o)) return invalid('ok is true but there is no data');
    try {
      // `outcome` is the host's own parse of the child's frame, referenced nowhere else: proving it
      // canonicalises is enough, and the canonical text's hash is the evidence's output hash.
      const data = o.data as JsonValue;
      return { ok: true, data, claims: o.evidence, outputHash: sha256Hex(canonicalize(data)) };
    } catch (error) {
      return invalid(error instanceof Error ? error.message : 'data is not JSON');
    }
  }
  if (o.ok === false) {
    const e = o.error as Partial<ConnectorError> | undefined;
    if (typeof e !== 'object' || e === null)
      return invalid('ok is false but there is no error object');
    if (typeof e.code !== 'string' || !CODE.test(e.code))
      return invalid('error.code must be a short identifier');
    if (typeof e.retryable !== 'boolean') return invalid('error.retryable must be a boolean');
    const error: ConnectorError = {
      code: e.code,
      message: boundText(
        redactSecrets(typeof e.message === 'string' ? e.message : '', secrets),
        MAX_MESSAGE,
      ),
      retryable: e.retryable,
    };
    if (
      typeof e.retry_after_ms === 'number' &&
      Number.isFinite(e.retry_after_ms) &&
      e.retry_after_ms >= 0
    )
      error.retry_after_ms = e.retry_after_ms;
    return { ok: false, error, claims: o.evidence };
  }
  return invalid('ok must be true or false');
}

/** Denials the child reported, kept only in the documented shape and bounded in number and size. */
export function checkChildDenials(value: unknown): EvidenceDenial[] {
  if (!Array.isArray(value)) return [];
  return value.slice(0, 50).flatMap((d) => {
    const x = d as Partial<EvidenceDenial>;
    if (typeof x?.kind !== 'string' || typeof x.target !== 'string' || typeof x.reason !== 'string')
      return [];
    return [
      {
        kind: boundText(x.kind, 40),
        target: boundText(x.target, 300),
        reason: `${boundText(x.reason, 500)} (reported by the sandbox)`,
      },
    ];
  });
}

/** Nesting past which a result is refused rather than searched: hostile depth must not pass. */
const MAX_RESULT_DEPTH = 256;

/**
 * Why a result may not reach the caller: a "__proto__" key anywhere (a caller's Object.assign
 * would pollute prototypes) or nesting too deep to search; undefined when it is fine.
 */
function findProtoProblem(value: unknown, depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_RESULT_DEPTH) return `it is nested deeper than ${MAX_RESULT_DEPTH} levels`;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = findProtoProblem(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return 'it holds a "__proto__" key';
    const problem = findProtoProblem((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
