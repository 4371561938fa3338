import { createHash } from 'node:crypto';
import type { GovernedEnqueueOptions } from '@jobforge/governance';
import { isFeatureEnabled, type QueueClient } from '@jobforge/queue';
import type { Runtime } from '@jobforge/runtime';
import { canonicalize, isJobForgeError, type JsonValue, type KeyInput } from '@jobforge/sdk';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { createWriteCheck } from './authorize-write.js';
import type { ConnectorTool } from './connector-catalog.js';
import { QUEUE_TOOLS, type QueueToolContext } from './queue-tools.js';

export interface McpServerOptions {
  /** The queue, bound to the tenant the session acts for. */
  queue: QueueClient;
  tenantId: string;
  /** The API key's project, when it is bound to one. */
  projectId?: string;
  connectors: ConnectorTool[];
  /**
   * Enqueue with governance (`createGovernedEnqueue`, or a governor's `enqueue`): with policy on,
   * write jobs need a token. Default: the queue's plain enqueue.
   */
  enqueue?: QueueToolContext['enqueue'];
  /** A policy token of the server's configuration (or the HTTP request), for calls that carry none. */
  policyToken?: string;
  /**
   * Issuers whose tokens a connector call that runs at once accepts: with policy on, a tool not
   * declared read-only needs `policyToken` granting `connector:<id>:write`.
   */
  policyKeys?: KeyInput[];
  /** Runs connector calls; without one, connector tools enqueue jobs (as with `async`). */
  runtime?: Runtime;
  /** Enqueue each connector call as a `connector.run` job and return its id, instead of running it. */
  async?: boolean;
  version: string;
  /** A trace id per call (default: a fresh UUID). */
  traceId?: () => string;
}

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validators = new WeakMap<object, ValidateFunction>();

/**
 * An MCP server: each connector operation is a tool (its input and output schemas from the
 * metadata), plus enqueue_job, get_job and list_jobs over the queue. Connector calls run in the
 * sandbox and return `structuredContent` with the signed evidence under `_meta`.
 *
 * @example
 * const server = createMcpServer({ queue, tenantId, connectors: await folderCatalog('connectors'), runtime, version });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server(
    { name: 'jobforge', version: options.version },
    { capabilities: { tools: {} } },
  );
  const runs = options.runtime !== undefined && !options.async;
  const byName = new Map(options.connectors.map((t) => [t.name, t]));
  // A tool of a feature that is off is not offered (its call would only answer FEATURE_DISABLED).
  const offered = QUEUE_TOOLS.filter((t) => !t.feature || isFeatureEnabled(t.feature));
  const queueTools = new Map(offered.map((t) => [t.name, t]));
  const traceId = options.traceId ?? (() => crypto.randomUUID());
  const enqueue =
    options.enqueue ??
    ((type: string, payload: unknown, opts: GovernedEnqueueOptions) =>
      options.queue.enqueue(type, payload, opts));
  const authorizeWrite = createWriteCheck(options.policyKeys ?? []);
  const context = (trace: string): QueueToolContext => ({
    queue: options.queue,
    tenantId: options.tenantId,
    ...(options.projectId ? { projectId: options.projectId } : {}),
    enqueue,
    ...(options.policyToken ? { policyToken: options.policyToken } : {}),
    traceId: trace,
  });

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      ...options.connectors.map((tool) => ({
        name: tool.name,
        title: tool.title,
        description: runs
          ? tool.description
          : `${tool.description}. Enqueued as a job: the result holds job_id; poll get_job.`,
        inputSchema: tool.inputSchema as { type: 'object' },
        ...(runs && tool.outputSchema
          ? { outputSchema: tool.outputSchema as { type: 'object' } }
          : {}),
        annotations: { title: tool.title, ...tool.annotations },
      })),
      ...offered.map((tool) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        inputSchema: jsonSchema(tool.input) as { type: 'object' },
        ...(tool.output ? { outputSchema: jsonSchema(tool.output) as { type: 'object' } } : {}),
        annotations: {
          title: tool.title,
          readOnlyHint: tool.readOnly,
          destructiveHint: false,
          openWorldHint: false,
        },
      })),
    ],
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: args = {} } = request.params;
    const trace = traceId();
    try {
      const queueTool = queueTools.get(name);
      if (queueTool) {
        const parsed = queueTool.input.safeParse(args);
        if (!parsed.success) {
          return invalidArguments(
            parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message })),
          );
        }
        const out = await queueTool.call(context(trace), parsed.data as never);
        return structured(out);
      }
      const tool = byName.get(name);
      if (!tool) return failure('UNKNOWN_TOOL', `no tool named ${name}; tools/list shows them`);
      let validate = validators.get(tool.inputSchema);
      if (!validate) {
        validate = ajv.compile(tool.inputSchema);
        validators.set(tool.inputSchema, validate);
      }
      if (!validate(args)) {
        return invalidArguments(
          (validate.errors ?? []).map((e) => ({
            path: e.instancePath || '/',
            message: e.message ?? 'is invalid',
          })),
        );
      }
      if (!runs) {
        const job = await enqueue(
          'connector.run',
          { connector: tool.connectorId, operation: tool.operation, input: args },
          {
            traceId: trace,
            correlationId: trace,
            ...(options.policyToken ? { token: options.policyToken } : {}),
          },
        );
        return structured({ job_id: job.id, created: job.created });
      }
      if (tool.annotations.readOnlyHint !== true)
        await authorizeWrite(options.queue.driver, {
          tenantId: options.tenantId,
          ...(options.projectId ? { projectId: options.projectId } : {}),
          action: `connector:${tool.connectorId}:write`,
          ...(options.policyToken ? { token: options.policyToken } : {}),
        });
      const run = await options.runtime!.run(
        await tool.load(),
        { operation: tool.operation, payload: args as JsonValue },
        { tenant_id: options.tenantId, trace_id: trace },
      );
      const evidence = {
        'jobforge/evidence': run.evidence,
        'jobforge/evidence_sha256': createHash('sha256')
          .update(canonicalize(run.evidence as unknown as JsonValue))
          .digest('hex'),
        'jobforge/trace_id': trace,
      };
      if (!run.ok) {
        return {
          isError: true,
          content: [
            { type: 'text', text: `${run.error.code}: ${run.error.message}` },
            {
              type: 'text',
              text: JSON.stringify({ code: run.error.code, message: run.error.message }),
            },
          ],
          _meta: evidence,
        };
      }
      return { ...structured(run.data), _meta: evidence };
    } catch (error) {
      if (isJobForgeError(error)) return failure(error.code, error.message);
      throw error;
    }
  });
  return server;
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    reused: 'inline',
  }) as Record<string, unknown>;
  // MCP tool schemas are self-contained, with `type: object` at the top: a named schema (one with
  // a meta id) comes back as a reference to its definition, so the definition takes its place.
  const ref = typeof rest.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(rest.$ref)?.[1] : undefined;
  const defs = rest.$defs as Record<string, Record<string, unknown>> | undefined;
  if (ref && defs?.[ref]) {
    const { [ref]: top, ...others } = defs;
    return { ...top, ...(Object.keys(others).length ? { $defs: others } : {}) };
  }
  return rest;
}

function structured(value: unknown): CallToolResult {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value);
  return {
    content: [{ type: 'text', text: JSON.stringify(value) }],
    ...(object ? { structuredContent: value as Record<string, unknown> } : {}),
  };
}

// Errors carry no structuredContent: MCP clients check it against the tool's output schema even
// when isError is set. The problems travel as a JSON text block instead.
function invalidArguments(problems: { path: string; message: string }[]): CallToolResult {
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: `INVALID_ARGUMENTS: the arguments failed the tool's input schema:\n${problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`,
      },
      { type: 'text', text: JSON.stringify({ code: 'INVALID_ARGUMENTS', problems }) },
    ],
  };
}

function failure(code: string, message: string): CallToolResult {
  return {
    isError: true,
    content: [
      { type: 'text', text: `${code}: ${message}` },
      { type: 'text', text: JSON.stringify({ code, message }) },
    ],
  };
}
