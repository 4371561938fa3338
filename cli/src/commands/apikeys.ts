import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface ApiKeysArgs extends QueueArgs {
  action: 'create' | 'list' | 'revoke';
  key?: string;
  tenant?: string;
  name?: string;
  project?: string;
}

export const apikeysCommand: CommandModule<GlobalArgs, ApiKeysArgs> = {
  command: 'apikeys <action> [key]',
  describe: "Manage the HTTP API's keys: create, list, revoke <prefix|id>",
  builder: (y) =>
    withQueueOptions(
      y
        .positional('action', {
          choices: ['create', 'list', 'revoke'] as const,
          demandOption: true,
        })
        .positional('key', { type: 'string', describe: 'The key to revoke: its prefix or id' })
        .option('tenant', {
          type: 'string',
          describe:
            'Tenant UUID (create: default $JOBFORGE_TENANT or the local tenant; list: only it)',
        })
        .option('name', {
          type: 'string',
          describe: 'What the key is for (create)',
          default: 'api',
        })
        .option('project', {
          type: 'string',
          describe: 'Project the key belongs to, a UUID (create)',
        }),
    )
      .example('$0 apikeys create --name ci', 'a key for the local tenant, printed once')
      .example('$0 apikeys revoke 1a2b3c4d5e6f', 'revoke by prefix') as never,
  handler: async (args) => {
    const { JobForgeError } = await import('@jobforge/sdk');
    const { createApiKey, listApiKeys, revokeApiKey } = await import('@jobforge/server');
    const { withQueue, tenantFor } = await import('../queue-args.js');
    const out = (value: unknown, text: string) =>
      process.stdout.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    await withQueue(args, async ({ driver }) => {
      if (args.action === 'create') {
        const { key, record } = await createApiKey(driver, {
          tenantId: tenantFor(args.tenant),
          name: args.name ?? 'api',
          ...(args.project ? { project: args.project } : {}),
        });
        out(
          { ok: true, key, ...record },
          `${key}\n\nAPI key ${record.prefix} for tenant ${record.tenant_id}. It is shown only now: store it in a secret store.`,
        );
        return;
      }
      if (args.action === 'list') {
        const keys = await listApiKeys(driver, args.tenant);
        out(
          keys,
          keys.length === 0
            ? 'no API keys; `jobforge apikeys create` makes one'
            : keys
                .map(
                  (k) =>
                    `${k.prefix}  ${k.revoked_at ? 'revoked' : 'active '}  ${k.tenant_id}  ${k.name}${k.project ? ` (${k.project})` : ''}  last used ${k.last_used_at ?? 'never'}`,
                )
                .join('\n'),
        );
        return;
      }
      if (!args.key) {
        throw new JobForgeError('MISSING_API_KEY_ID', 'apikeys revoke needs the key prefix or id', {
          hint: 'jobforge apikeys list shows them',
        });
      }
      const revoked = await revokeApiKey(driver, args.key, args.tenant);
      if (!revoked) {
        throw new JobForgeError('API_KEY_NOT_FOUND', `no API key ${args.key}`, {
          where: args.key,
          hint: 'jobforge apikeys list shows the prefixes',
        });
      }
      out({ ok: true, ...revoked }, `API key ${revoked.prefix} revoked`);
    });
  },
};
