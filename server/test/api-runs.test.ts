import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@jobforge/runtime';
import { generateSigningKeyPair, sha256Hex, verifyEvidence } from '@jobforge/sdk';
import { ApiError, createApiClient } from '@jobforge/sdk/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { recordEchoRun, startTestRuntime, startTestServer, TENANT_A } from './helpers.js';

const pair = generateSigningKeyPair();
const dir = mkdtempSync(join(tmpdir(), 'jobforge-api-runs-'));
let runtime: Runtime;
let t: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  runtime = await startTestRuntime(pair.privateKeyPem);
  t = await startTestServer({ runs: { artifactsDir: dir, publicKey: pair.publicKeyPem } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('run records over HTTP', () => {
  it('answers FEATURE_DISABLED while JOBFORGE_RUNS_ENABLED is off', async () => {
    vi.stubEnv('JOBFORGE_RUNS_ENABLED', '0');
    const res = await fetch(`${t.url}/v1/runs/1`, {
      headers: { authorization: `Bearer ${t.keyA}` },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      code: 'FEATURE_DISABLED',
      where: 'JOBFORGE_RUNS_ENABLED',
    });
  });

  it("serves a run's manifest, each artifact with its type and length, and its evidence, to its tenant only", async () => {
    vi.stubEnv('JOBFORGE_RUNS_ENABLED', '1');
    const jobId = await recordEchoRun(t, runtime, dir, 'hello');
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    const { data: record } = await api.getRun({ params: { id: jobId } });
    expect(record).toMatchObject({ job_id: jobId, attempt: 1, tenant_id: TENANT_A });
    const output = record.manifest.artifacts.find((a) => a.name === 'output.json')!;
    expect(output).toMatchObject({ signed: true, storage: 'db' });

    const res = await fetch(`${t.url}/v1/runs/${jobId}.1/artifacts/output.json`, {
      headers: { authorization: `Bearer ${t.keyA}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(output.media_type);
    expect(res.headers.get('content-length')).toBe(String(output.size));
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="output.json"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(sha256Hex(bytes)).toBe(output.sha256);
    // The typed client hands raw routes back as bytes.
    const typed = await api.getRunArtifact({ params: { id: jobId, name: 'output.json' } });
    expect(Buffer.from(typed.data).equals(bytes)).toBe(true);

    const { data: evidence } = await api.getRunEvidence({ params: { id: jobId } });
    expect(verifyEvidence(evidence, pair.publicKeyPem).ok).toBe(true);
    const { data: verified } = await api.verifyRun({ params: { id: jobId } });
    expect(verified).toMatchObject({
      run_id: `${jobId}.1`,
      ok: true,
      signature_checked: true,
      problems: [],
    });
    expect(verified.artifacts.every((a) => a.state === 'ok')).toBe(true);

    // Another tenant's key sees nothing of it: not the record, not a byte.
    const other = createApiClient({ baseUrl: t.url, apiKey: t.keyB });
    for (const call of [
      () => other.getRun({ params: { id: jobId } }),
      () => other.getRunArtifact({ params: { id: jobId, name: 'output.json' } }),
      () => other.getRunEvidence({ params: { id: jobId } }),
      () => other.verifyRun({ params: { id: jobId } }),
    ]) {
      const error = await call().catch((e) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 404, code: 'RUN_NOT_FOUND' });
    }
    await expect(
      api.getRunArtifact({ params: { id: jobId, name: 'nope.json' } }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'ARTIFACT_NOT_FOUND',
    });
    await expect(api.getRun({ params: { id: '1.x' as string } })).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  it('streams a folder-kept artifact above the threshold, checked first', async () => {
    vi.stubEnv('JOBFORGE_RUNS_ENABLED', '1');
    const streaming = await startTestServer({
      runs: { artifactsDir: dir, publicKey: pair.publicKeyPem, streamAboveBytes: 0 },
    });
    // Past the recorder's 64 KiB inline limit, so input.json is kept in the folder store.
    const jobId = await recordEchoRun(streaming, runtime, dir, 'x'.repeat(70_000));
    const api = createApiClient({ baseUrl: streaming.url, apiKey: streaming.keyA });
    const { data: record } = await api.getRun({ params: { id: jobId } });
    const input = record.manifest.artifacts.find((a) => a.name === 'input.json')!;
    const res = await fetch(`${streaming.url}/v1/runs/${jobId}/artifacts/input.json`, {
      headers: { authorization: `Bearer ${streaming.keyA}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(input.size));
    expect(sha256Hex(Buffer.from(await res.arrayBuffer()))).toBe(input.sha256);
    const shard = join(dir, 'sha256', input.sha256.slice(0, 2), input.sha256.slice(2));
    writeFileSync(shard, 'forged');
    await expect(
      api.getRunArtifact({ params: { id: jobId, name: 'input.json' } }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'ARTIFACT_ALTERED',
    });
  });

  it('refuses altered bytes (409) and verification names them', async () => {
    vi.stubEnv('JOBFORGE_RUNS_ENABLED', '1');
    // An input past the recorder's 64 KiB inline limit is kept in the folder store.
    const jobId = await recordEchoRun(t, runtime, dir, `to be altered ${'x'.repeat(70_000)}`);
    const api = createApiClient({ baseUrl: t.url, apiKey: t.keyA });
    const { data: record } = await api.getRun({ params: { id: jobId } });
    const input = record.manifest.artifacts.find((a) => a.name === 'input.json')!;
    expect(input.storage).toBe('fs');
    const shard = join(dir, 'sha256', input.sha256.slice(0, 2));
    expect(readdirSync(shard)).toContain(input.sha256.slice(2));
    writeFileSync(join(shard, input.sha256.slice(2)), '{"message":"forged"}');

    await expect(
      api.getRunArtifact({ params: { id: jobId, name: 'input.json' } }),
    ).rejects.toMatchObject({
      status: 409,
      code: 'ARTIFACT_ALTERED',
    });
    const { data: verified } = await api.verifyRun({ params: { id: jobId } });
    expect(verified.ok).toBe(false);
    expect(verified.artifacts.find((a) => a.name === 'input.json')?.state).toBe('altered');
    expect(verified.problems.join('\n')).toContain('input.json is altered');
  });

  it('lists the run routes in the OpenAPI document, the artifact as raw bytes', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { content: object }> }>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/runs/{id}',
        '/v1/runs/{id}/artifacts/{name}',
        '/v1/runs/{id}/evidence',
        '/v1/runs/{id}/verify',
      ]),
    );
    expect(
      Object.keys(doc.paths['/v1/runs/{id}/artifacts/{name}']!.get!.responses['200']!.content),
    ).toEqual(['*/*']);
  });
});
