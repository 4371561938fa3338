import type { QueueClient } from '@jobforge/queue';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { requireDoor } from '../door-flags.js';
import { createMcpServer, type McpServerOptions } from './create-mcp-server.js';

/**
 * `jobforge mcp`: serves the tools over standard input and output until the client closes them.
 * Nothing else may write to stdout meanwhile: it carries the protocol. JOBFORGE_MCP_ENABLED set to
 * off refuses to start (FEATURE_DISABLED).
 */
export async function runMcpStdio(
  options: McpServerOptions & { queue: QueueClient },
): Promise<void> {
  requireDoor('mcp');
  const server = createMcpServer(options);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
    process.stdin.once('end', resolve);
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
