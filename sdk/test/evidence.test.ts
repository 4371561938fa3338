import { createHash, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  EvidenceBuilder,
  type EvidenceStatement,
  generateSigningKeyPair,
  hashOutput,
  IN_TOTO_PAYLOAD_TYPE,
  keyIdOf,
  preAuthEncoding,
  signEvidence,
  signPayload,
  verifyEvidence,
} from '../src/index.js';

const host = generateSigningKeyPair();
const other = generateSigningKeyPair();

function statement(
  overrides: Partial<Parameters<EvidenceBuilder['buildSuccess']>[1]> = {},
): EvidenceStatement {
  const builder = new EvidenceBuilder({
    connector: { id: 'echo', version: '1.0.0', integrity: 'sha256-abc' },
    trace_id: 'trace-1',
    tenant_id: 'tenant-a',
    job_id: 'job-9',
    attempt_no: 2,
    dry_run: false,
    input: { operation: 'echo.say', payload: { message: 'hi' } },
    started_at: new Date('2026-01-01T00:00:00.000Z'),
  });
  return builder.buildSuccess(
    { message: 'hi', length: 2 },
    { ended_at: new Date('2026-01-01T00:00:00.250Z'), ...overrides },
  );
}

describe('EvidenceBuilder', () => {
  it('builds an in-toto Statement v1 with the runner-computed hashes', () => {
    const s = statement({ claims: { decision: 'passthrough' } });
    expect(s._type).toBe('https://in-toto.io/Statement/v1');
    expect(s.predicateType).toBe('https://jobforge.dev/evidence/v1');
    expect(s.subject).toEqual([
      { name: 'echo@1.0.0/output', digest: { sha256: hashOutput({ message: 'hi', length: 2 }) } },
    ]);
    expect(s.predicate.input_hash).toBe(
      hashOutput({ operation: 'echo.say', payload: { message: 'hi' } }),
    );
    expect(s.predicate.output_hash).toBe(s.subject[0]?.digest.sha256);
    expect(s.predicate.timing).toEqual({
      started_at: '2026-01-01T00:00:00.000Z',
      ended_at: '2026-01-01T00:00:00.250Z',
      duration_ms: 250,
    });
    expect(s.predicate.invocation).toMatchObject({
      trace_id: 'trace-1',
      tenant_id: 'tenant-a',
      job_id: 'job-9',
      attempt_no: 2,
    });
    expect(s.predicate.claims).toEqual({ decision: 'passthrough' });
  });

  it('fixes the input hash when built, so later mutation of the payload changes nothing', () => {
    const payload = { message: 'before' };
    const builder = new EvidenceBuilder({
      connector: { id: 'x', version: '1.0.0' },
      trace_id: 't',
      tenant_id: 'a',
      attempt_no: 1,
      dry_run: false,
      input: { operation: 'x.y', payload },
    });
    payload.message = 'after';
    expect(builder.buildSuccess(null).predicate.input_hash).toBe(
      hashOutput({ operation: 'x.y', payload: { message: 'before' } }),
    );
  });

  it('hashes the error on failure and records its code', () => {
    const builder = new EvidenceBuilder({
      connector: { id: 'x', version: '1.0.0' },
      trace_id: 't',
      tenant_id: 'a',
      attempt_no: 1,
      dry_run: true,
      input: { operation: 'x.y', payload: 1 },
    });
    const error = { code: 'RATE_LIMITED', message: 'slow down', retryable: true };
    const s = builder.buildFailure(error, { attempts: 3 });
    expect(s.predicate.status).toBe('failure');
    expect(s.predicate.error_code).toBe('RATE_LIMITED');
    expect(s.predicate.output_hash).toBe(hashOutput(error));
    expect(s.predicate.invocation.attempts).toBe(3);
  });

  it('drops claims that are not a JSON object, saying why', () => {
    expect(statement({ claims: [1, 2] }).predicate.claims).toEqual({
      dropped: 'connector evidence must be a JSON object',
    });
    expect(statement({ claims: { n: 1n } }).predicate.claims?.dropped).toMatch(/BigInt/);
  });
});

describe('signEvidence / verifyEvidence', () => {
  it('round-trips: the verified statement equals the signed one', () => {
    const s = statement();
    const envelope = signEvidence(s, host.privateKeyPem);
    expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(envelope.signatures).toHaveLength(1);
    const checked = verifyEvidence(envelope, [other.publicKeyPem, host.publicKeyPem]);
    expect(checked).toEqual({ ok: true, statement: s, keyid: host.keyId });
  });

  it('uses hex sha256 of the SPKI DER public key as keyid', () => {
    const der = createPublicKey(host.publicKeyPem).export({ type: 'spki', format: 'der' });
    expect(host.keyId).toBe(createHash('sha256').update(der).digest('hex'));
    expect(keyIdOf(host.privateKeyPem)).toBe(host.keyId);
    expect(signEvidence(statement(), host.privateKeyPem).signatures[0]?.keyid).toBe(host.keyId);
  });

  it('signs the DSSE pre-authentication encoding', () => {
    expect(
      preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString(),
    ).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
  });

  it('rejects a tampered payload as BAD_SIGNATURE', () => {
    const envelope = signEvidence(statement(), host.privateKeyPem);
    const forged = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
    forged.predicate.status = 'failure';
    const tampered = {
      ...envelope,
      payload: Buffer.from(JSON.stringify(forged)).toString('base64'),
    };
    expect(verifyEvidence(tampered, host.publicKeyPem)).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
  });

  it('rejects a signature under a trusted keyid made by another key as BAD_SIGNATURE', () => {
    const envelope = signEvidence(statement(), other.privateKeyPem);
    const relabelled = {
      ...envelope,
      signatures: [{ keyid: host.keyId, sig: envelope.signatures[0]!.sig }],
    };
    expect(verifyEvidence(relabelled, host.publicKeyPem)).toMatchObject({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
  });

  it('rejects a packet from an untrusted key as UNKNOWN_KEYID', () => {
    const envelope = signEvidence(statement(), other.privateKeyPem);
    expect(verifyEvidence(envelope, host.publicKeyPem)).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_KEYID',
    });
  });

  it('rejects another payload type as WRONG_PAYLOAD_TYPE', () => {
    const envelope = signPayload(
      'application/json',
      JSON.stringify(statement()),
      host.privateKeyPem,
    );
    expect(verifyEvidence(envelope, host.publicKeyPem)).toMatchObject({
      ok: false,
      reason: 'WRONG_PAYLOAD_TYPE',
    });
  });

  it('rejects a signed payload that is not an evidence Statement as NOT_A_STATEMENT', () => {
    for (const payload of [
      'not json',
      '[]',
      '{"_type":"x"}',
      JSON.stringify({ ...statement(), subject: [] }),
    ]) {
      const envelope = signPayload(IN_TOTO_PAYLOAD_TYPE, payload, host.privateKeyPem);
      expect(verifyEvidence(envelope, host.publicKeyPem)).toMatchObject({
        ok: false,
        reason: 'NOT_A_STATEMENT',
      });
    }
  });

  it('never throws on hostile envelopes', () => {
    const good = signEvidence(statement(), host.privateKeyPem);
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'envelope',
      [],
      {},
      { payloadType: IN_TOTO_PAYLOAD_TYPE },
      { ...good, payload: '%%%not base64%%%' },
      { ...good, payload: 123 },
      { ...good, signatures: 'sig' },
      { ...good, signatures: [] },
      { ...good, signatures: [null] },
      { ...good, signatures: [{ keyid: 1, sig: 2 }] },
      { ...good, signatures: Array.from({ length: 100 }, () => good.signatures[0]) },
      { ...good, signatures: [{ keyid: host.keyId, sig: '' }] },
      { ...good, signatures: [{ keyid: host.keyId, sig: 'AAAA' }] },
      new Proxy(
        {},
        {
          get() {
            throw new Error('trap');
          },
        },
      ),
      Object.defineProperty({}, 'payloadType', {
        get() {
          throw new Error('getter');
        },
        enumerable: true,
      }),
    ];
    for (const envelope of hostile) {
      const checked = verifyEvidence(envelope, host.publicKeyPem);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(['MALFORMED_ENVELOPE', 'BAD_SIGNATURE']).toContain(checked.reason);
    }
  });

  it('throws INVALID_KEY for a trusted key that is not an Ed25519 public key (caller error)', () => {
    expect(() => verifyEvidence({}, 'not a pem')).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY' }),
    );
  });
});

describe('verifyRunResult', () => {
  it('accepts an untouched run result and refuses one whose data, ok or error was changed', async () => {
    const { runConnector, verifyRunResult } = await import('../src/index.js');
    const run = await runConnector(() => ({ ok: true, data: { n: 1 } }), {
      input: { operation: 'x', payload: null },
    });
    const result = {
      ok: true,
      data: run.ok ? run.data : null,
      evidence: signEvidence(run.evidence, host.privateKeyPem),
    };
    expect(verifyRunResult(result, host.publicKeyPem).ok).toBe(true);
    expect(verifyRunResult({ ...result, data: { n: 2 } }, host.publicKeyPem)).toMatchObject({
      ok: false,
      reason: 'OUTPUT_MISMATCH',
    });
    expect(
      verifyRunResult(
        { ...result, ok: false, error: { code: 'X', message: 'm', retryable: false } },
        host.publicKeyPem,
      ),
    ).toMatchObject({ ok: false, reason: 'OUTPUT_MISMATCH' });
    expect(verifyRunResult({ ...result, data: { n: 1n } }, host.publicKeyPem)).toMatchObject({
      ok: false,
      reason: 'OUTPUT_MISMATCH',
    });
    // A bare envelope is verified as verifyEvidence does.
    expect(verifyRunResult(result.evidence, host.publicKeyPem).ok).toBe(true);
  });

  it('refuses a signed statement that lacks invocation or timing as NOT_A_STATEMENT', () => {
    const s = statement() as unknown as { predicate: Record<string, unknown> };
    for (const drop of ['invocation', 'timing']) {
      const predicate = { ...s.predicate };
      delete predicate[drop];
      const envelope = signEvidence({ ...s, predicate }, host.privateKeyPem);
      expect(verifyEvidence(envelope, host.publicKeyPem)).toMatchObject({
        ok: false,
        reason: 'NOT_A_STATEMENT',
      });
    }
  });
});
