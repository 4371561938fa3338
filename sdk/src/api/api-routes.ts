import type { z } from 'zod';
import {
  ArtifactParamsSchema,
  BytesSchema,
  ConnectorListSchema,
  EnqueuedSchema,
  EnqueueJobBodySchema,
  EventListSchema,
  EvidenceEnvelopeSchema,
  HealthSchema,
  JobChangeSchema,
  JobDetailsSchema,
  JobIdParamsSchema,
  JobListSchema,
  ListEventsQuerySchema,
  ListJobsQuerySchema,
  RunIdParamsSchema,
  RunRecordSchema,
  RunVerificationSchema,
  SubmitEventBodySchema,
  SubmittedEventSchema,
  TriggerListSchema,
  TriggerParamsSchema,
  TriggerSchema,
  WebhookAcceptedSchema,
  WebhookParamsSchema,
} from './api-schemas.js';

/** One operation of the HTTP API: the server routes it, the OpenAPI document and the client derive from it. */
export interface ApiRoute {
  method: 'get' | 'post';
  /** Hono/OpenAPI style: `/v1/jobs/:id`. */
  path: string;
  summary: string;
  /** False for the few routes that need no API key. */
  auth: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Request headers the operation reads, with what they mean. */
  headers?: Record<string, string>;
  /** Success responses by status. */
  responses: Record<number, z.ZodType>;
  /** True when a success answers raw bytes (with their own media type), not JSON. */
  raw?: boolean;
}

/**
 * The API's operations by operationId.
 *
 * @example
 * const { method, path } = API_ROUTES.enqueueJob; // 'post', '/v1/jobs'
 */
export const API_ROUTES = {
  enqueueJob: {
    method: 'post',
    path: '/v1/jobs',
    summary: 'Enqueue a job (201 new; 200 when the Idempotency-Key names an existing job)',
    auth: true,
    body: EnqueueJobBodySchema,
    headers: {
      'Idempotency-Key': 'The same key (per tenant and type) returns the same job',
      'JobForge-Policy-Token':
        'A policy token granting the job (needed for write jobs when JOBFORGE_POLICY_ENABLED is on; 403 POLICY_DENIED otherwise)',
    },
    responses: { 201: EnqueuedSchema, 200: EnqueuedSchema },
  },
  listJobs: {
    method: 'get',
    path: '/v1/jobs',
    summary: 'List jobs, newest first, with filters and keyset pagination',
    auth: true,
    query: ListJobsQuerySchema,
    responses: { 200: JobListSchema },
  },
  getJob: {
    method: 'get',
    path: '/v1/jobs/:id',
    summary: 'One job with its attempts and results',
    auth: true,
    params: JobIdParamsSchema,
    responses: { 200: JobDetailsSchema },
  },
  cancelJob: {
    method: 'post',
    path: '/v1/jobs/:id/cancel',
    summary: 'Cancel a queued job (409 when it is past that)',
    auth: true,
    params: JobIdParamsSchema,
    responses: { 200: JobChangeSchema },
  },
  retryJob: {
    method: 'post',
    path: '/v1/jobs/:id/retry',
    summary: 'Run a dead, failed or canceled job again with fresh attempts',
    auth: true,
    params: JobIdParamsSchema,
    responses: { 200: JobChangeSchema },
  },
  submitEvent: {
    method: 'post',
    path: '/v1/events',
    summary:
      'Submit an event (201 new; 200 for a duplicate (source, id)); needs JOBFORGE_EVENTS_ENABLED',
    auth: true,
    body: SubmitEventBodySchema,
    responses: { 201: SubmittedEventSchema, 200: SubmittedEventSchema },
  },
  listEvents: {
    method: 'get',
    path: '/v1/events',
    summary: 'Events newest first (by arrival), filtered by type, subject and time',
    auth: true,
    query: ListEventsQuerySchema,
    responses: { 200: EventListSchema },
  },
  receiveWebhook: {
    method: 'post',
    path: '/v1/webhooks/:source',
    summary:
      "A provider's webhook, stored as an event once its signature verifies (Standard Webhooks, GitHub or Stripe, per the source's configuration); 401 otherwise",
    auth: false,
    params: WebhookParamsSchema,
    headers: {
      'webhook-signature': 'Standard Webhooks (with webhook-id and webhook-timestamp)',
      'X-Hub-Signature-256': "GitHub's scheme (with X-GitHub-Delivery and X-GitHub-Event)",
      'Stripe-Signature': "Stripe's scheme",
    },
    responses: { 202: WebhookAcceptedSchema, 200: WebhookAcceptedSchema },
  },
  getRun: {
    method: 'get',
    path: '/v1/runs/:id',
    summary:
      "A run's record: its manifest of artifacts (name, media type, size, sha256, where kept); needs JOBFORGE_RUNS_ENABLED",
    auth: true,
    params: RunIdParamsSchema,
    responses: { 200: RunRecordSchema },
  },
  getRunArtifact: {
    method: 'get',
    path: '/v1/runs/:id/artifacts/:name',
    summary:
      "One artifact's bytes, with the manifest's media type and size; refused (409) when the stored bytes no longer match the manifest's sha256",
    auth: true,
    params: ArtifactParamsSchema,
    raw: true,
    responses: { 200: BytesSchema },
  },
  getRunEvidence: {
    method: 'get',
    path: '/v1/runs/:id/evidence',
    summary: "The run's signed evidence packet (a DSSE envelope)",
    auth: true,
    params: RunIdParamsSchema,
    responses: { 200: EvidenceEnvelopeSchema },
  },
  verifyRun: {
    method: 'post',
    path: '/v1/runs/:id/verify',
    summary:
      "Checks every artifact against the manifest, the manifest against the evidence, and the evidence's signature with the server's public key",
    auth: true,
    params: RunIdParamsSchema,
    responses: { 200: RunVerificationSchema },
  },
  listTriggers: {
    method: 'get',
    path: '/v1/triggers',
    summary: "The key's tenant's cron and event triggers; needs JOBFORGE_TRIGGERS_ENABLED",
    auth: true,
    responses: { 200: TriggerListSchema },
  },
  pauseTrigger: {
    method: 'post',
    path: '/v1/triggers/:name/pause',
    summary: 'Pause a trigger: it fires nothing until resumed',
    auth: true,
    params: TriggerParamsSchema,
    responses: { 200: TriggerSchema },
  },
  resumeTrigger: {
    method: 'post',
    path: '/v1/triggers/:name/resume',
    summary: 'Resume a trigger; a cron trigger fires next at its next slot from now',
    auth: true,
    params: TriggerParamsSchema,
    responses: { 200: TriggerSchema },
  },
  listConnectors: {
    method: 'get',
    path: '/v1/connectors',
    summary:
      'The connector operations this server offers (its folder or registry index, as loaded at start), each with its MCP tool name and input schema',
    auth: true,
    responses: { 200: ConnectorListSchema },
  },
  health: {
    method: 'get',
    path: '/api/health',
    summary: 'Database reachable, migrations current, scheduler leader, queue depth',
    auth: false,
    responses: { 200: HealthSchema, 503: HealthSchema },
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiRoutes = typeof API_ROUTES;
export type ApiOperation = keyof ApiRoutes;
