import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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
  /**
   * Folder-kept artifacts bigger than this are streamed from the file (checked by a first streamed
   * pass, so memory stays flat) instead of read whole (default 1 MiB).
   */
  streamAboveBytes?: number;
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
    const streamed = await streamArtifact(record, stores, params.name, options.streamAboveBytes);
    const whole = streamed ? undefined : await readArtifact(record, stores, params.name);
    const entry = streamed?.entry ?? whole!.entry;
    const size = streamed?.size ?? whole!.bytes.length;
    const body = streamed?.body ?? new Uint8Array(whole!.bytes);
    // The bytes are whatever a connector produced: never rendered by a browser on this origin.
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': entry.media_type,
        'content-length': String(size),
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
 * A large folder-kept artifact as a stream: its file is hashed in a first streamed pass (refused
 * when it no longer matches the manifest), then streamed to the client. Undefined when the
 * artifact is small or not in a file-backed store (then it is read whole).
 */
async function streamArtifact(
  record: RunRecord,
  stores: Record<string, ArtifactStore>,
  name: string,
  threshold = 1024 * 1024,
) {
  const entry = findEntry(record, name);
  const path = stores[entry.storage]?.pathOf?.(entry.sha256);
  if (!path) return undefined;
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0 || size <= threshold) return undefined;
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  if (hash.digest('hex') !== entry.sha256) throw altered(record, name);
  return {
    entry,
    size,
    body: Readable.toWeb(createReadStream(path)) as unknown as ReadableStream<Uint8Array>,
  };
}

function findEntry(record: RunRecord, name: string) {
  const entry = record.manifest.artifacts.find((a) => a.name === name);
  if (!entry)
    throw new JobForgeError(
      'ARTIFACT_NOT_FOUND',
      `run ${record.job_id}.${record.attempt} has no artifact ${name}`,
      {
        where: `${record.job_id}.${record.attempt}/${name}`,
        hint: `GET /v1/runs/${record.job_id}.${record.attempt} lists its artifacts`,
      },
    );
  return entry;
}

const altered = (record: RunRecord, name: string) =>
  new JobForgeError(
    'ARTIFACT_ALTERED',
    `the stored bytes of ${name} no longer hash to the manifest's sha256`,
    { where: `${record.job_id}.${record.attempt}/${name}` },
  );

/**
 * One artifact the manifest names, read whole and checked against the manifest's sha256 before
 * any byte is sent.
 */
async function readArtifact(
  record: RunRecord,
  stores: Record<string, ArtifactStore>,
  name: string,
) {
  const entry = findEntry(record, name);
  const bytes = (await stores[entry.storage]?.get(record.job_id, entry.sha256)) ?? null;
  if (!bytes)
    throw new JobForgeError(
      'ARTIFACT_MISSING',
      `the bytes of ${name} are not in the ${entry.storage} store`,
      {
        where: `${record.job_id}.${record.attempt}/${name}`,
        hint: "serve must use the workers' artifacts folder (--artifacts-dir)",
      },
    );
  if (sha256Hex(bytes) !== entry.sha256) throw altered(record, name);
  return { entry, bytes };
}
