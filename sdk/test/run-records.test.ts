import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  describeUrl,
  EvidenceBuilder,
  generateSigningKeyPair,
  isArtifactName,
  manifestDigest,
  signEvidence,
  toPrivateKey,
  verifyEvidence,
} from '../src/index.js';

const start = {
  connector: { id: 'echo', version: '1.0.0' },
  trace_id: 't',
  tenant_id: 'acme',
  attempt_no: 1,
  dry_run: false,
  input: { operation: 'echo.say', payload: {} },
};
const sha = (c: string) => c.repeat(64);

describe('run record formats', () => {
  it('names a URL without its query values', () => {
    expect(describeUrl('https://api.example.test:8443/v1/a?token=s3cret&page=2#x')).toEqual({
      host: 'api.example.test:8443',
      path: '/v1/a?token=&page=',
    });
    expect(describeUrl('not a url')).toEqual({ host: '', path: '' });
  });

  it('hashes a manifest the same whatever the order of its entries', () => {
    const a = { name: 'a.json', media_type: 'application/json', size: 1, sha256: sha('a') };
    const b = { name: 'b.txt', media_type: 'text/plain', size: 2, sha256: sha('b') };
    const one = buildManifest([a, b]);
    expect(one.artifacts.map((x) => x.name)).toEqual(['a.json', 'b.txt']);
    expect(manifestDigest(buildManifest([b, a]))).toBe(manifestDigest(one));
    expect(manifestDigest(buildManifest([a, { ...b, size: 3 }]))).not.toBe(manifestDigest(one));
  });

  it.each([
    ['report.csv', true],
    ['../etc/passwd', false],
    ['.hidden', false],
    ['a/b', false],
    ['', false],
  ])('artifact name %j is allowed: %s', (name, ok) => {
    expect(isArtifactName(name)).toBe(ok);
  });

  it('signs the manifest when given and leaves the predicate as before when not', () => {
    const pair = generateSigningKeyPair();
    const key = toPrivateKey(pair.privateKeyPem);
    const plain = new EvidenceBuilder(start).buildSuccess({});
    expect(Object.keys(plain.predicate)).not.toContain('manifest');
    const recorded = new EvidenceBuilder({ ...start, replay_of: '42.1' }).buildSuccess(
      {},
      { manifest: { sha256: sha('c'), artifacts: 3 } },
    );
    expect(recorded.predicate).toMatchObject({ manifest: { artifacts: 3 }, replay_of: '42.1' });
    expect(verifyEvidence(signEvidence(plain, key), pair.publicKeyPem).ok).toBe(true);
    expect(verifyEvidence(signEvidence(recorded, key), pair.publicKeyPem).ok).toBe(true);
    const bad = new EvidenceBuilder(start).buildSuccess(
      {},
      { manifest: { sha256: 'nope', artifacts: 1 } },
    );
    expect(verifyEvidence(signEvidence(bad, key), pair.publicKeyPem)).toMatchObject({ ok: false });
  });
});
