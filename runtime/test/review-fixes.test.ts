import { verifyEvidence } from '@jobforge/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkChildOutcome } from '../src/check-outcome.js';
import { createRuntime, type Runtime, type RuntimeLogLine } from '../src/index.js';
import { GOOD, hostKey, statementOf } from './helpers.js';

const key = hostKey();
const logs: RuntimeLogLine[] = [];
let runtime: Runtime;

beforeAll(async () => {
  runtime = await createRuntime({
    signingKey: key.privateKeyPem,
    limits: { timeoutMs: 5000 },
    pool: { maxChildren: 1, warm: 0 },
    logger: (line) => logs.push(line),
  });
});
afterAll(async () => {
  await runtime.close();
});

describe('review fixes', () => {
  it('redacts declared secrets from the connector claims and from log fields', async () => {
    const secret = 'sk_live_SUPERSECRET_123';
    const run = await runtime.run(
      GOOD('leaky-claims'),
      { payload: {} },
      { secrets: { API_TOKEN: secret } },
    );
    expect(run.ok).toBe(true);
    expect(verifyEvidence(run.evidence, key.publicKeyPem).ok).toBe(true);
    expect(Buffer.from(run.evidence.payload, 'base64').toString()).not.toContain(secret);
    expect(statementOf(run.evidence).predicate.claims).toEqual({
      token: '[REDACTED]',
      'key-[REDACTED]': 1,
    });
    const line = logs.find((l) => l.message === 'calling');
    expect(line).toBeDefined();
    expect(JSON.stringify(line)).not.toContain(secret);
  });

  it('refuses a result nested too deep to search for __proto__, instead of letting it through', () => {
    let deep: unknown = JSON.parse('{"__proto__":{"polluted":"yes"}}');
    for (let i = 0; i < 300; i++) deep = { d: deep };
    const checked = checkChildOutcome({ ok: true, data: deep }, {});
    expect(checked).toMatchObject({ ok: false, error: { code: 'INVALID_RESULT' } });
    expect(checkChildOutcome({ ok: true, data: { a: 1 }, evidence: deep }, {})).toMatchObject({
      ok: false,
    });
    expect(
      checkChildOutcome({ ok: true, data: JSON.parse('{"x":{"__proto__":1}}') }, {}),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/__proto__/) },
    });
  });
});
