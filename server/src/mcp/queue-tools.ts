import type { GovernedEnqueueOptions } from '@jobforge/governance';
import { type QueueClient, submitEvent } from '@jobforge/queue';
import {
  EnqueuedSchema,
  EnqueueJobBodySchema,
  JobIdSchema,
  ListJobsQuerySchema,
  SubmitEventBodySchema,
  SubmittedEventSchema,
} from '@jobforge/sdk/api';
import { z } from 'zod';

/** What a queue tool acts through: the session's tenant-bound queue and its governed enqueue. */
export interface QueueToolContext {
  queue: QueueClient;
  tenantId: string;
  /** The API key's project, when it is bound to one. */
  projectId?: string;
  /** Enqueue with governance (a policy token for write jobs when policy is on). */
  enqueue(
    type: string,
    payload: unknown,
    options: GovernedEnqueueOptions,
  ): Promise<{ id: string; created: boolean }>;
  /** The token of the server's configuration (or of the HTTP request), used when a call has none. */
  policyToken?: string;
  traceId: string;
}

/** A tool over the queue itself: its arguments validated by the same zod schemas as the HTTP API. */
export interface QueueTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  output?: z.ZodType;
  readOnly: boolean;
  /** A feature the tool needs: listed only when it is on. */
  feature?: 'events';
  call(ctx: QueueToolContext, args: never): Promise<unknown>;
}

const defineTool = <I extends z.ZodObject>(
  tool: Omit<QueueTool, 'call' | 'input'> & {
    input: I;
    call(ctx: QueueToolContext, args: z.output<I>): Promise<unknown>;
  },
): QueueTool => tool as unknown as QueueTool;

const EnqueueArgs = EnqueueJobBodySchema.extend({
  idempotency_key: z.string().min(1).max(400).optional(),
  policy_token: z.string().min(1).max(8192).optional().meta({
    description: 'A policy token granting the job; needed for write jobs when policy is on',
  }),
});

/**
 * enqueue_job, get_job, list_jobs and submit_event: the queue as agents see it, for the tenant of
 * the session.
 */
export const QUEUE_TOOLS: QueueTool[] = [
  defineTool({
    name: 'enqueue_job',
    title: 'Enqueue a job',
    description:
      'Adds a job to the JobForge queue. The same idempotency_key (per type) returns the existing job instead of a new one. A write job needs policy_token when the server enforces policy.',
    input: EnqueueArgs,
    output: EnqueuedSchema,
    readOnly: false,
    call: ({ enqueue, policyToken, traceId }, args) => {
      const token = args.policy_token ?? policyToken;
      return enqueue(args.type, args.payload ?? null, {
        ...(token ? { token } : {}),
        correlationId: traceId,
        ...(args.idempotency_key ? { idempotencyKey: args.idempotency_key } : {}),
        ...(args.ordering_key ? { orderingKey: args.ordering_key } : {}),
        ...(args.priority !== undefined ? { priority: args.priority } : {}),
        ...(args.run_at ? { runAt: args.run_at } : {}),
        ...(args.max_attempts ? { maxAttempts: args.max_attempts } : {}),
        traceId: args.trace_id ?? traceId,
      });
    },
  }),
  defineTool({
    name: 'get_job',
    title: 'Get a job',
    description:
      'One job with its status, attempts, result and evidence; poll it after an asynchronous connector call.',
    input: z.object({ id: JobIdSchema }).strict(),
    readOnly: true,
    call: async ({ queue }, args) => (await queue.get(args.id)) ?? { found: false, id: args.id },
  }),
  defineTool({
    name: 'list_jobs',
    title: 'List jobs',
    description: 'Jobs newest first, filtered by status and type; pass next_cursor back as cursor.',
    input: ListJobsQuerySchema,
    readOnly: true,
    call: async ({ queue }, args) => {
      const limit = args.limit ?? 20;
      const jobs = await queue.list({
        limit,
        ...(args.status ? { status: args.status } : {}),
        ...(args.type ? { type: args.type } : {}),
        ...(args.cursor ? { beforeId: args.cursor } : {}),
      });
      return { jobs, next_cursor: jobs.length === limit ? jobs[jobs.length - 1]!.id : null };
    },
  }),
  defineTool({
    name: 'submit_event',
    title: 'Submit an event',
    description:
      'Records an event (CloudEvents attributes: id, source, type, optional subject, time and data); event triggers matching its type enqueue their jobs. A repeated (source, id) returns the stored event with created false.',
    input: SubmitEventBodySchema,
    output: SubmittedEventSchema,
    readOnly: false,
    feature: 'events',
    call: ({ queue, tenantId, projectId, traceId }, args) =>
      submitEvent(
        queue.driver,
        { ...args, ...(projectId ? { projectId } : {}), traceId },
        { tenantId },
      ),
  }),
];
