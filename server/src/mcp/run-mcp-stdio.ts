import type { QueueClient } from '@jobforge/queue';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer, type McpServerOptions } from './create-mcp-server.js';

/**
 * `jobforge mcp`: serves the tools over standard input and output until the client closes them.
 * Nothing else may write to stdout meanwhile: it carries the protocol.
 */
export async function runMcpStdio(
  options: McpServerOptions & { queue: QueueClient },
): Promise<void> {
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
