import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '../src/keys.js';
import {
  grantCovers,
  issuePolicyToken,
  POLICY_LEEWAY_SECONDS,
  validatePolicyToken,
} from '../src/policy-token.js';

const tenant_id = '0a0a0a0a-0000-4000-8000-00000000000a';

describe('policy tokens', () => {
  it.each([
    [['enqueue:settler.*'], 'enqueue:settler.report.monthly', true],
    [['enqueue:settler.*'], 'enqueue:readylayer.cache.purge', false],
    [['enqueue:*'], 'connector:http:write', false],
    [['connector:*:write'], 'connector:http-request:write', true],
    [['connector:*:write'], 'connector:a:b:write', false],
    [['*'], 'anything:at:all', true],
    [['enqueue:a.b'], 'enqueue:aXb', false],
  ])('grant %j covers %s: %s', (actions, action, covered) => {
    expect(grantCovers(actions, action)).toBe(covered);
  });

  it('accepts a clock up to the leeway apart, and not beyond', async () => {
    const key = generateSigningKeyPair();
    const { token, claims } = await issuePolicyToken(
      { tenant_id, actions: ['enqueue:x'] },
      { privateKey: key.privateKeyPem, issuer: 't', ttlSeconds: 60 },
    );
    const at = (s: number) => new Date((claims.exp + s) * 1000);
    const check = (s: number) =>
      validatePolicyToken(token, { keys: [key.publicKeyPem], now: at(s) });
    expect((await check(POLICY_LEEWAY_SECONDS - 1)).ok).toBe(true);
    expect(await check(POLICY_LEEWAY_SECONDS + 1)).toMatchObject({
      ok: false,
      code: 'POLICY_EXPIRED',
    });
  });

  it('refuses a bad grant at issue time, and never puts anything but the grant in the claims', async () => {
    const key = generateSigningKeyPair();
    await expect(
      issuePolicyToken(
        { tenant_id: 'acme', actions: [] },
        { privateKey: key.privateKeyPem, issuer: 't' },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_POLICY' });
    const { claims } = await issuePolicyToken(
      { tenant_id, actions: ['enqueue:x'] },
      { privateKey: key.privateKeyPem, issuer: 't', subject: 'agent' },
    );
    expect(Object.keys(claims).sort()).toEqual([
      'actions',
      'exp',
      'iat',
      'iss',
      'jti',
      'sub',
      'tenant_id',
    ]);
  });
});
