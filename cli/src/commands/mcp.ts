import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type McpArgs, withMcpOptions } from '../mcp-args.js';
import { withQueueOptions } from '../queue-args.js';

interface McpCommandArgs extends McpArgs {
  tenant?: string;
}

export const mcpCommand: CommandModule<GlobalArgs, McpCommandArgs> = {
  command: 'mcp',
  describe: 'Serve connectors and the queue as MCP tools over stdio (for agents)',
  builder: (y) =>
    withMcpOptions(withQueueOptions(y))
      .option('tenant', {
        type: 'string',
        describe: 'Tenant the tools act for (default $JOBFORGE_TENANT or the local tenant)',
      })
      .example('$0 mcp --connectors connectors', 'an MCP client starts this as its server')
      .example(
        '$0 mcp --registry https://example.com/registry --trust registry.pub.pem',
        'offer the connectors of a signed registry',
      ) as never,
  handler: async (args) => {
    const { requireDoor, runMcpStdio } = await import('@jobforge/server');
    // Before anything is opened or loaded: JOBFORGE_MCP_ENABLED=0 is the operator's kill switch.
    requireDoor('mcp');
    const { createQueueClient, openQueueDriver } = await import('@jobforge/queue');
    const { tenantFor } = await import('../queue-args.js');
    const { openMcpTools } = await import('../mcp-args.js');
    // stdout carries the protocol: every notice goes to stderr.
    const notice = (text: string) => process.stderr.write(`jobforge mcp: ${text}\n`);
    const tenantId = tenantFor(args.tenant);
    const { connectors, runtime } = await openMcpTools(args, notice);
    const databaseUrl = args['database-url'] ?? process.env.DATABASE_URL;
    const { driver } = await openQueueDriver({
      tenantId,
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
    });
    const { CLI_VERSION: version } = await import('../cli-version.js');
    const { createGovernor } = await import('@jobforge/governance');
    const { readPolicyKeys } = await import('../policy-keys.js');
    const queue = createQueueClient(driver, { tenantId });
    // The same governor as `jobforge enqueue`: with policy on, write jobs need a token, the call's
    // policy_token or this server's $JOBFORGE_POLICY_TOKEN.
    const policyKeys = await readPolicyKeys(args['policy-key']);
    const governor = createGovernor({ client: queue, tenantId, policyKeys });
    const policyToken = process.env.JOBFORGE_POLICY_TOKEN;
    try {
      await runMcpStdio({
        queue,
        enqueue: (type, payload, opts) =>
          governor.enqueue(type, payload, { actor: 'mcp', ...opts, tenantId }),
        ...(policyToken ? { policyToken } : {}),
        policyKeys,
        tenantId,
        connectors,
        version,
        async: args.async,
        ...(runtime ? { runtime } : {}),
      });
    } finally {
      await runtime?.close();
      await driver.close();
    }
  },
};
