import type { Argv } from 'yargs';
import type { QueueArgs } from './queue-args.js';

/** Options of the commands that offer connectors as MCP tools (`mcp`, `serve`). */
export interface McpArgs extends QueueArgs {
  connectors: string;
  registry?: string;
  trust?: string[];
  key?: string;
  async: boolean;
  'policy-key'?: string[];
}

export function withMcpOptions<T extends QueueArgs>(y: Argv<T>): Argv<T & McpArgs> {
  return y
    .option('connectors', {
      type: 'string',
      default: 'connectors',
      describe: 'Folder of connector folders offered as tools',
    })
    .option('registry', {
      type: 'string',
      describe: 'Offer the connectors of this signed registry (folder or URL) instead',
    })
    .option('trust', {
      type: 'string',
      array: true,
      describe: 'Public key (PEM) the registry index must be signed by (with --registry)',
    })
    .option('key', { type: 'string', describe: 'Private key (PEM) that signs the evidence' })
    .option('async', {
      type: 'boolean',
      default: false,
      describe: 'Enqueue each connector call as a job and return its id (poll with get_job)',
    })
    .option('policy-key', {
      type: 'string',
      array: true,
      describe:
        'Trusted policy-issuer public key(s) for write jobs when JOBFORGE_POLICY_ENABLED is on (default $JOBFORGE_POLICY_KEYS, comma-separated files)',
    }) as Argv<T & McpArgs>;
}

/** The connector tools and the sandbox that runs them, as the flags choose. */
export async function openMcpTools(args: McpArgs, notice: (text: string) => void) {
  const { JobForgeError } = await import('@jobforge/sdk');
  const { folderCatalog, registryCatalog } = await import('@jobforge/server');
  let connectors: Awaited<ReturnType<typeof folderCatalog>>;
  if (args.registry) {
    if (!args.trust?.length) {
      throw new JobForgeError('MISSING_TRUST_KEY', '--registry needs --trust <public key PEM>', {
        hint: 'the index must be signed by a key you trust',
      });
    }
    const { createRegistryClient } = await import('@jobforge/registry');
    const { readPublicKey } = await import('./signing-key.js');
    const { CLI_VERSION: version } = await import('./cli-version.js');
    connectors = await registryCatalog(
      createRegistryClient({
        registry: args.registry,
        trustedKeys: await Promise.all(args.trust.map((path) => readPublicKey(path))),
        host: { jobforge: version },
        onWarning: notice,
      }),
    );
  } else {
    const { existsSync } = await import('node:fs');
    // No connectors folder where none was named: the queue's tools alone, not a failure.
    connectors =
      args.connectors === 'connectors' && !existsSync(args.connectors)
        ? []
        : await folderCatalog(args.connectors);
  }
  if (args.async) return { connectors, runtime: undefined };
  const { resolveSigningKey } = await import('./signing-key.js');
  const { createRuntime } = await import('@jobforge/runtime');
  const { key } = await resolveSigningKey(args.key, notice);
  const runtime = await createRuntime({ signingKey: key, pool: { maxChildren: 2, warm: 0 } });
  return { connectors, runtime };
}
