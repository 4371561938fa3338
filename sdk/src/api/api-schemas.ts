import { z } from 'zod';

/**
 * The HTTP API's shapes, one zod schema each. The server validates requests with them, the OpenAPI
 * document is generated from them and the typed client infers its types from them: written once.
 */

export const JOB_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'dead',
  'canceled',
] as const;

export const JobStatusSchema = z.enum(JOB_STATUSES);

export const JobIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,18}$/, 'a job id is a positive integer')
  .meta({ description: 'Job id (a bigint, as a string)', example: '42' });

export const JobErrorSchema = z
  .object({ code: z.string(), message: z.string(), retryable: z.boolean().optional() })
  .catchall(z.unknown());

export const JobSchema = z
  .object({
    id: JobIdSchema,
    tenant_id: z.string(),
    type: z.string(),
    payload: z.unknown(),
    status: JobStatusSchema,
    priority: z.number().int(),
    run_at: z.string(),
    attempts: z.number().int(),
    max_attempts: z.number().int(),
    idempotency_key: z.string().nullable(),
    ordering_key: z.string().nullable(),
    trace_id: z.string().nullable(),
    locked_by: z.string().nullable(),
    locked_until: z.string().nullable(),
    started_at: z.string().nullable(),
    last_error: JobErrorSchema.nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Job' });

export const JobAttemptSchema = z.object({
  attempt: z.number().int(),
  outcome: z.enum(['succeeded', 'failed', 'lease_expired', 'released']),
  worker_id: z.string().nullable(),
  error: JobErrorSchema.nullable(),
  evidence: z.unknown(),
  started_at: z.string().nullable(),
  finished_at: z.string(),
});

export const JobResultSchema = z.object({
  attempt: z.number().int(),
  status: z.enum(['succeeded', 'dead']),
  result: z.unknown(),
  error: JobErrorSchema.nullable(),
  evidence: z.unknown(),
  created_at: z.string(),
});

export const JobDetailsSchema = JobSchema.extend({
  results: z.array(JobResultSchema),
  attempt_history: z.array(JobAttemptSchema),
}).meta({ id: 'JobDetails' });

export const EnqueueJobBodySchema = z
  .object({
    type: z.string().min(1).max(200),
    payload: z.unknown(),
    ordering_key: z.string().min(1).max(400).optional(),
    priority: z.number().int().min(-32768).max(32767).optional(),
    run_at: z.iso.datetime({ offset: true }).optional(),
    max_attempts: z.number().int().min(1).max(1000).optional(),
    trace_id: z.string().max(200).optional(),
  })
  .strict()
  .meta({
    id: 'EnqueueJob',
    description: 'The Idempotency-Key header carries the idempotency key.',
  });

export const EnqueuedSchema = z.object({ id: JobIdSchema, created: z.boolean() });

export const ListJobsQuerySchema = z
  .object({
    status: JobStatusSchema.optional(),
    type: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    cursor: JobIdSchema.optional().meta({
      description: 'next_cursor of the previous page: jobs older than this id',
    }),
  })
  .strict();

export const JobListSchema = z.object({
  jobs: z.array(JobSchema),
  next_cursor: JobIdSchema.nullable().meta({ description: 'Pass as ?cursor= for the next page' }),
});

export const JobChangeSchema = z.object({
  id: JobIdSchema,
  status: JobStatusSchema,
  changed: z.boolean(),
});

export const JobIdParamsSchema = z.object({ id: JobIdSchema });

/** RFC 9457 problem details; `code` is the same stable code the CLI prints. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    where: z.string().optional(),
    hint: z.string().optional(),
    problems: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'Each field that failed validation' }),
  })
  .meta({ id: 'Problem' });

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  database: z.object({ reachable: z.boolean(), latency_ms: z.number().nullable() }),
  migrations: z.object({
    current: z.boolean(),
    applied: z.number().int(),
    expected: z.number().int(),
  }),
  scheduler: z.object({ leader: z.string().nullable() }),
  queue: z.object({ depth: z.number().int().nullable() }),
  request_id: z.string(),
});

export const SubmitEventBodySchema = z
  .object({
    id: z.string().min(1).max(500),
    source: z.string().min(1).max(500),
    type: z.string().min(1).max(200).meta({ description: 'Reverse-DNS style, e.g. invoice.paid' }),
    subject: z.string().max(500).optional(),
    time: z.iso.datetime({ offset: true }).optional(),
    datacontenttype: z.string().max(200).optional(),
    data: z.unknown().optional(),
  })
  .strict()
  .meta({
    id: 'SubmitEvent',
    description: 'A CloudEvents 1.0 event; (source, id) makes it idempotent',
  });

export const StoredEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    seq: z.string(),
    id: z.string(),
    source: z.string(),
    type: z.string(),
    subject: z.string().nullable(),
    time: z.string(),
    datacontenttype: z.string(),
    data: z.unknown(),
    tenant_id: z.string(),
    project_id: z.string().nullable(),
    trace_id: z.string().nullable(),
    received_at: z.string(),
    duplicates: z.number().int(),
  })
  .meta({ id: 'Event' });

export const SubmittedEventSchema = z.object({ event: StoredEventSchema, created: z.boolean() });

export const ListEventsQuerySchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Exact type, or a prefix ending in .*' }),
    subject: z.string().max(500).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    cursor: z
      .string()
      .regex(/^[1-9]\d{0,18}$/)
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .strict();

export const EventListSchema = z.object({
  events: z.array(StoredEventSchema),
  next_cursor: z.string().nullable(),
});

export const WebhookParamsSchema = z.object({
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a webhook source is a-z, 0-9, _ and -'),
});

export const WebhookAcceptedSchema = z.object({
  event_id: z.string(),
  seq: z.string(),
  duplicate: z.boolean(),
});

export const RunIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,18}(\.[1-9]\d{0,8})?$/, 'a run id is <job id> or <job id>.<attempt>')
  .meta({
    description: 'A job id (its latest recorded attempt) or <job id>.<attempt>',
    example: '42.1',
  });

export const RunIdParamsSchema = z.object({ id: RunIdSchema });

export const ArtifactParamsSchema = z.object({
  id: RunIdSchema,
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^/\\\0]+$/, 'an artifact name has no slashes')
    .meta({ description: "An artifact's name in the run's manifest, e.g. output.json" }),
});

export const RunArtifactSchema = z.object({
  name: z.string(),
  media_type: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  truncated: z.boolean().optional(),
  signed: z.boolean(),
  storage: z.string(),
});

export const RunRecordSchema = z
  .object({
    job_id: JobIdSchema,
    attempt: z.number().int(),
    tenant_id: z.string(),
    job_status: z.string(),
    manifest: z
      .object({ $schema: z.string(), artifacts: z.array(RunArtifactSchema) })
      .catchall(z.unknown()),
    manifest_sha256: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'RunRecord' });

export const EvidenceEnvelopeSchema = z
  .object({
    payloadType: z.string(),
    payload: z.string(),
    signatures: z.array(z.object({ keyid: z.string(), sig: z.string() })),
  })
  .meta({
    id: 'Evidence',
    description: 'A DSSE envelope over an in-toto Statement (docs/evidence.md)',
  });

export const RunVerificationSchema = z
  .object({
    run_id: z.string(),
    ok: z.boolean(),
    signature_checked: z.boolean().meta({
      description: 'False when the server has no public key configured (JOBFORGE_PUBLIC_KEY)',
    }),
    artifacts: z.array(
      RunArtifactSchema.omit({ truncated: true }).extend({
        state: z.enum(['ok', 'missing', 'altered']),
      }),
    ),
    problems: z.array(z.string()),
  })
  .meta({ id: 'RunVerification' });

/** Raw bytes (an artifact): the client hands them back as a Uint8Array. */
export const BytesSchema = z.custom<Uint8Array>((v) => v instanceof Uint8Array);

export const TriggerSchema = z
  .object({
    id: z.string(),
    tenant_id: z.string(),
    name: z.string(),
    state: z.enum(['enabled', 'paused', 'disabled']),
    kind: z.enum(['cron', 'event']),
    job_type: z.string(),
    payload_template: z.unknown(),
    job_options: z.record(z.string(), z.unknown()),
    cron: z.string().nullable(),
    timezone: z.string().nullable(),
    next_fire_at: z.string().nullable(),
    last_fire_at: z.string().nullable(),
    event_type: z.string().nullable(),
    event_filter: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Trigger' });

export const TriggerListSchema = z.object({ triggers: z.array(TriggerSchema) });

export const TriggerParamsSchema = z.object({
  name: z.string().min(1).max(200).meta({ description: "The trigger's name (or id)" }),
});

export const ConnectorOperationSchema = z.object({
  tool: z.string().meta({ description: 'The MCP tool name, <connector>__<operation>' }),
  connector_id: z.string(),
  version: z.string(),
  operation: z.string(),
  title: z.string(),
  description: z.string(),
  read_only: z
    .boolean()
    .nullable()
    .meta({ description: 'null when the metadata declares no effect' }),
  input_schema: z.record(z.string(), z.unknown()),
});

export const ConnectorListSchema = z.object({
  source: z
    .string()
    .meta({ description: 'Where the connectors were loaded from (folder or registry)' }),
  connectors: z.array(ConnectorOperationSchema),
});
