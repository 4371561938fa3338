import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalize,
  EvidenceBuilder,
  generateSigningKeyPair,
  hashOutput,
  isJobForgeError,
  signEvidence,
  signPayload,
  verifyEvidence,
} from '@jobforge/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { randomJson, seededRandom } from '../../sdk/test/random-json.js';
import { pythonStep } from './python.js';

// Python's canonicalize and verify_evidence against @jobforge/sdk on the same inputs.
const dir = mkdtempSync(join(tmpdir(), 'jobforge-py-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsCanonical(value: unknown) {
  try {
    return { text: canonicalize(value), hash: hashOutput(value) };
  } catch (error) {
    if (isJobForgeError(error)) return { error: error.code, where: error.where };
    throw error;
  }
}

describe('canonicalize in Python agrees with @jobforge/sdk byte for byte', () => {
  it('on 5,000 generated values and the edge cases', async () => {
    const random = seededRandom(20261207);
    const values: unknown[] = Array.from({ length: 5000 }, () => randomJson(random, 4));
    values.push(
      { text: 'a\ud800b' },
      ['\udfff'],
      { '\ud83d': 1 },
      [1e21, 1e-7, -0, 5e-324, 2 ** 53 + 2, 0.1 + 0.2, 123456789012345680000],
      { '10': 1, '9': 2, '\u{1f602}': 3, '\ufb33': 4 },
    );
    const file = join(dir, 'values.jsonl');
    writeFileSync(file, values.map((v) => JSON.stringify({ input: JSON.stringify(v) })).join('\n'));
    const python = await pythonStep<unknown[]>('canonicalize', file);
    expect(python).toHaveLength(values.length);
    const mismatches = values
      .map((value, i) => ({ i, ts: tsCanonical(value), py: python[i] }))
      .filter(({ ts, py }) => JSON.stringify(ts) !== JSON.stringify(py));
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(python.filter((p) => (p as { error?: string }).error === 'NOT_JSON')).toHaveLength(3);
  }, 60_000);
});

describe('verify_evidence in Python gives the reasons verifyEvidence gives', () => {
  it('on packets @jobforge/sdk signed, and on altered ones', async () => {
    const host = generateSigningKeyPair();
    const other = generateSigningKeyPair();
    const statement = new EvidenceBuilder({
      connector: { id: 'echo', version: '1.0.0', integrity: 'sha256-abc' },
      trace_id: 'trace-1',
      tenant_id: 'tenant-a',
      job_id: 'job-9',
      attempt_no: 1,
      dry_run: false,
      input: { operation: 'echo.say', payload: { message: 'hé €' } },
      started_at: new Date('2026-01-01T00:00:00.000Z'),
    }).buildSuccess(
      { message: 'hé €', n: [1.5, 1e21] },
      { ended_at: new Date('2026-01-01T00:00:01.000Z') },
    );
    const good = signEvidence(statement, host.privateKeyPem);
    const altered = {
      ...good,
      payload: Buffer.from(canonicalize({ ...statement, subject: [] })).toString('base64'),
    };
    const envelopes: unknown[] = [
      good,
      signEvidence(statement, other.privateKeyPem),
      {
        ...signEvidence(statement, other.privateKeyPem),
        signatures: [
          { ...signEvidence(statement, other.privateKeyPem).signatures[0]!, keyid: host.keyId },
        ],
      },
      altered,
      signPayload('text/plain', canonicalize(statement), host.privateKeyPem),
      signPayload('application/vnd.in-toto+json', '{"_type":"nope"}', host.privateKeyPem),
      signPayload('application/vnd.in-toto+json', 'not json', host.privateKeyPem),
      { ...good, signatures: [] },
      { ...good, payload: '%%%' },
      [good],
      null,
    ];
    const file = join(dir, 'envelopes.jsonl');
    writeFileSync(file, envelopes.map((e) => JSON.stringify(e)).join('\n'));
    const keyFile = join(dir, 'host.pub');
    writeFileSync(keyFile, host.publicKeyPem);
    const python = await pythonStep<{ ok: boolean; reason: string | null; keyid: string | null }[]>(
      'verify',
      file,
      keyFile,
    );
    const typescript = envelopes.map((e) => {
      const r = verifyEvidence(e, host.publicKeyPem);
      return r.ok
        ? { ok: true, reason: null, keyid: r.keyid }
        : { ok: false, reason: r.reason, keyid: null };
    });
    expect(python).toEqual(typescript);
    expect(typescript.map((t) => t.reason)).toEqual([
      null,
      'UNKNOWN_KEYID',
      'BAD_SIGNATURE',
      'BAD_SIGNATURE',
      'WRONG_PAYLOAD_TYPE',
      'NOT_A_STATEMENT',
      'NOT_A_STATEMENT',
      'MALFORMED_ENVELOPE',
      'MALFORMED_ENVELOPE',
      'MALFORMED_ENVELOPE',
      'MALFORMED_ENVELOPE',
    ]);
  });
});
