import { createRunsClient, type RunRecord, requireFeature } from '@jobforge/queue';
import {
  type ArtifactStore,
  createDbArtifactStore,
  createFsArtifactStore,
  loadRun,
} from '@jobforge/runtime';
import { JobForgeError, type KeyInput, sha256Hex } from '@jobforge/sdk';
import { API_ROUTES } from '@jobforge/sdk/api';
import type { Context, Hono } from 'hono';
import { registerRoute } from './register-route.js';
import type { ServerEnv } from './server-env.js';
import type { TenantSessions } from './tenant-sessions.js';

export interface RunRoutesOptions {
  /** The folder the workers keep large artifacts in (default `.jobforge/artifacts`): the same one. */
  artifactsDir?: string;
  /** The host's public key, to verify evidence signatures (POST /v1/runs/:id/verify). */
  publicKey?: KeyInput;
}

/**
 * /v1/runs/:id — a run's manifest, its artifacts and its evidence, for the key's tenant only: the
 * record is looked up through the tenant's session (another tenant's run is RUN_NOT_FOUND), and an
 * artifact is served only when that record's manifest names it. Needs JOBFORGE_RUNS_ENABLED.
 */
export function mountRunRoutes(
  app: Hono<ServerEnv>,
  sessions: TenantSessions,
  options: RunRoutesOptions = {},
): void {
  const large = createFsArtifactStore(options.artifactsDir);
  const open = async (c: Context<ServerEnv>, runId: string) => {
    requireFeature('runs');
    const runs = createRunsClient(sessions.forTenant(c.get('apiKey').tenant_id));
    const record = await runs.getRunManifest(runId);
    if (!record)
      throw new JobForgeError(
        'RUN_NOT_FOUND',
        `no recorded run ${runId} for this API key's tenant`,
        {
          where: runId,
          hint: 'runs are recorded by workers started with JOBFORGE_RUNS_ENABLED=1; GET /v1/jobs lists job ids',
        },
      );
    const small = createDbArtifactStore(runs);
    const stores: Record<string, ArtifactStore> = { [small.kind]: small, [large.kind]: large };
    return { record, stores };
  };

  registerRoute(app, API_ROUTES.getRun, async ({ params, c }) => {
    const { record } = await open(c, params.id);
    return { status: 200, body: record };
  });

  registerRoute(app, API_ROUTES.getRunArtifact, async ({ params, c }) => {
    const { record, stores } = await open(c, params.id);
    const { entry, bytes } = await readArtifact(record, stores, params.name);
    // The bytes are whatever a connector produced: never rendered by a browser on this origin.
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: {
        'content-type': entry.media_type,
        'content-length': String(bytes.length),
        'content-disposition': `attachment; filename="${entry.name.replace(/[^\w.-]/g, '_')}"`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
        'x-artifact-sha256': entry.sha256,
        'x-request-id': c.get('requestId'),
      },
    });
  });

  registerRoute(app, API_ROUTES.getRunEvidence, async ({ params, c }) => {
    const { record, stores } = await open(c, params.id);
    const { bytes } = await readArtifact(record, stores, 'evidence.json');
    return { status: 200, body: JSON.parse(bytes.toString('utf8')) };
  });

  registerRoute(app, API_ROUTES.verifyRun, async ({ params, c }) => {
    const { record, stores } = await open(c, params.id);
    const loaded = await loadRun(record, stores, options.publicKey);
    const problems = [...loaded.problems];
    if (!options.publicKey)
      problems.push(
        'the server has no public key (serve --public-key or JOBFORGE_PUBLIC_KEY), so the signature was not checked',
      );
    return {
      status: 200,
      body: {
        run_id: loaded.run_id,
        ok: problems.length === 0,
        signature_checked: options.publicKey !== undefined,
        artifacts: loaded.artifacts,
        problems,
      },
    };
  });
}

/**
 * One artifact the manifest names, its bytes checked against the manifest's sha256 before any is
 * sent (so the answer is whole, not streamed: artifacts are bounded when they are recorded).
 */
async function readArtifact(
  record: RunRecord,
  stores: Record<string, ArtifactStore>,
  name: string,
) {
  const entry = record.manifest.artifacts.find((a) => a.name === name);
  const where = `${record.job_id}.${record.attempt}/${name}`;
  if (!entry)
    throw new JobForgeError(
      'ARTIFACT_NOT_FOUND',
      `run ${record.job_id}.${record.attempt} has no artifact ${name}`,
      {
        where,
        hint: `GET /v1/runs/${record.job_id}.${record.attempt} lists its artifacts`,
      },
    );
  const bytes = (await stores[entry.storage]?.get(record.job_id, entry.sha256)) ?? null;
  if (!bytes)
    throw new JobForgeError(
      'ARTIFACT_MISSING',
      `the bytes of ${name} are not in the ${entry.storage} store`,
      {
        where,
        hint: "serve must use the workers' artifacts folder (--artifacts-dir)",
      },
    );
  if (sha256Hex(bytes) !== entry.sha256)
    throw new JobForgeError(
      'ARTIFACT_ALTERED',
      `the stored bytes of ${name} no longer hash to the manifest's sha256`,
      {
        where,
      },
    );
  return { entry, bytes };
}
