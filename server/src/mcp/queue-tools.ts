import type { QueueClient } from '@jobforge/queue';
import {
  EnqueuedSchema,
  EnqueueJobBodySchema,
  JobIdSchema,
  ListJobsQuerySchema,
} from '@jobforge/sdk/api';
import { z } from 'zod';

/** A tool over the queue itself: its arguments validated by the same zod schemas as the HTTP API. */
export interface QueueTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  output?: z.ZodType;
  readOnly: boolean;
  call(queue: QueueClient, args: never, traceId: string): Promise<unknown>;
}

const defineTool = <I extends z.ZodObject>(
  tool: Omit<QueueTool, 'call' | 'input'> & {
    input: I;
    call(queue: QueueClient, args: z.output<I>, traceId: string): Promise<unknown>;
  },
): QueueTool => tool as unknown as QueueTool;

const EnqueueArgs = EnqueueJobBodySchema.extend({
  idempotency_key: z.string().min(1).max(400).optional(),
});

/** enqueue_job, get_job and list_jobs: the queue as agents see it, for the tenant of the session. */
export const QUEUE_TOOLS: QueueTool[] = [
  defineTool({
    name: 'enqueue_job',
    title: 'Enqueue a job',
    description:
      'Adds a job to the JobForge queue. The same idempotency_key (per type) returns the existing job instead of a new one.',
    input: EnqueueArgs,
    output: EnqueuedSchema,
    readOnly: false,
    call: (queue, args, traceId) =>
      queue.enqueue(args.type, args.payload ?? null, {
        ...(args.idempotency_key ? { idempotencyKey: args.idempotency_key } : {}),
        ...(args.ordering_key ? { orderingKey: args.ordering_key } : {}),
        ...(args.priority !== undefined ? { priority: args.priority } : {}),
        ...(args.run_at ? { runAt: args.run_at } : {}),
        ...(args.max_attempts ? { maxAttempts: args.max_attempts } : {}),
        traceId: args.trace_id ?? traceId,
      }),
  }),
  defineTool({
    name: 'get_job',
    title: 'Get a job',
    description:
      'One job with its status, attempts, result and evidence; poll it after an asynchronous connector call.',
    input: z.object({ id: JobIdSchema }).strict(),
    readOnly: true,
    call: async (queue, args) => (await queue.get(args.id)) ?? { found: false, id: args.id },
  }),
  defineTool({
    name: 'list_jobs',
    title: 'List jobs',
    description: 'Jobs newest first, filtered by status and type; pass next_cursor back as cursor.',
    input: ListJobsQuerySchema,
    readOnly: true,
    call: async (queue, args) => {
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
];
