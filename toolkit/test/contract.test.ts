import type { ConnectorFn } from '@jobforge/sdk';
import type { Recording } from '@jobforge/sdk/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkInputContract,
  checkOutcomeAgainstManifest,
  checkRetryContract,
  type GoldenCase,
  generateInvalidInputs,
} from '../src/index.js';

const manifest = {
  connector_id: 'probe',
  version: '1.0.0',
  supported_job_types: ['probe.get'],
  output_schema: {
    type: 'object',
    properties: { count: { type: 'integer' } },
    required: ['count'],
    additionalProperties: false,
  },
  failure_modes: [
    { type: 'UPSTREAM_UNAVAILABLE', retryable: true },
    { type: 'UPSTREAM_REJECTED', retryable: false },
  ],
};

describe('outputs and errors against the manifest', () => {
  it('accepts conforming data, declared failures and standard codes', () => {
    expect(checkOutcomeAgainstManifest(manifest, { ok: true, data: { count: 2 } })).toEqual([]);
    const declared = { code: 'UPSTREAM_REJECTED', message: '', retryable: false };
    expect(checkOutcomeAgainstManifest(manifest, { ok: false, error: declared })).toEqual([]);
    const standard = { code: 'TIMEOUT', message: '', retryable: true };
    expect(checkOutcomeAgainstManifest(manifest, { ok: false, error: standard })).toEqual([]);
  });

  it('names each broken promise', () => {
    expect(checkOutcomeAgainstManifest(manifest, { ok: true, data: { count: 1.5, x: 1 } })).toEqual(
      [
        expect.stringMatching(
          /^contract: the output does not conform to output_schema: \(root\) must NOT have additional properties; \/count must be integer; fix/,
        ),
      ],
    );
    const undeclared = { code: 'BOOM', message: '', retryable: false };
    expect(checkOutcomeAgainstManifest(manifest, { ok: false, error: undeclared })[0]).toContain(
      'error code BOOM is neither a declared failure_modes type (UPSTREAM_UNAVAILABLE, UPSTREAM_REJECTED) nor a standard code',
    );
    const flipped = { code: 'UPSTREAM_REJECTED', message: '', retryable: true };
    expect(checkOutcomeAgainstManifest(manifest, { ok: false, error: flipped })[0]).toContain(
      'came back with retryable true, but failure_modes declares it retryable false',
    );
  });
});

const inputSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 5 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
    size: { type: 'integer', minimum: 1 },
    mode: { enum: ['a', 'b'] },
  },
  required: ['name'],
  additionalProperties: false,
};

describe('generated invalid inputs', () => {
  it('derives one-step mutations from the schema, each rejected by it', () => {
    const generated = generateInvalidInputs(inputSchema, { name: 'ab', tags: ['x'], mode: 'a' });
    const whats = generated.map((g) => g.what);
    expect(whats).toEqual(
      expect.arrayContaining([
        'payload of the wrong type (string)',
        'payload.name removed (required)',
        'payload with an unknown property __jobforge_unexpected__',
        'payload.name shorter than minLength 1',
        'payload.name longer than maxLength 5',
        'payload.tags with more than maxItems 2',
        'payload.tags[0] of the wrong type (number)',
        'payload.size not an integer',
        'payload.size below minimum 1',
        'payload.mode outside the enum',
      ]),
    );
    const zod = z.strictObject({
      name: z.string().min(1).max(5),
      tags: z.array(z.string()).max(2).optional(),
      size: z.number().int().min(1).optional(),
      mode: z.enum(['a', 'b']).optional(),
    });
    const result = checkInputContract(inputSchema, zod, [{ name: 'ab', tags: ['x'], mode: 'a' }]);
    expect(result.failures).toEqual([]);
    expect(result.rejected).toBe(result.generated);
  });

  it('fails when the published schema accepts what the code rejects, and the reverse', () => {
    const looser = {
      ...inputSchema,
      properties: { ...inputSchema.properties, name: { type: 'string' } },
    };
    const zod = z.strictObject({ name: z.string().min(3), size: z.number().optional() });
    const result = checkInputContract(looser, zod, [{ name: 'abc' }]);
    expect(result.failures).toContain(
      `contract: input_schema accepts payload.name shorter than minLength 3 ("xx" in {"name":"xx"}), which the code's inputSchema rejects (Too small: expected string to have >=3 characters); tighten metadata.json's input_schema`.replace(
        '("xx" in {"name":"xx"})',
        '({"name":"xx"})',
      ),
    );
    expect(
      result.failures.some((f) => f.includes('input_schema rejects payload.size not an integer')),
    ).toBe(true);
  });
});

/** Calls GET {{golden_server}}/items and maps failures as a well-behaved connector does. */
const probeConnector: ConnectorFn = async ({ config, context }) => {
  const response = await context.fetch(`${config.settings?.base_url}/items`);
  if (!response.ok) {
    const retryable = response.status === 429 || response.status >= 500;
    return {
      ok: false,
      error: {
        code: retryable ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_REJECTED',
        message: String(response.status),
        retryable,
      },
    };
  }
  return { ok: true, data: (await response.json()) as { count: number } };
};

const golden: GoldenCase = {
  name: 'lists items',
  input: {},
  settings: { base_url: '{{golden_server}}' },
};
const recording: Recording = {
  format_version: 1,
  exchanges: [
    {
      request: { method: 'GET', url: 'http://golden-server.test/items', headers: {} },
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { json: { count: 2 } },
      },
    },
  ],
};

describe('retries against failure_modes, through replayed 5xx, 429 and 4xx', () => {
  it('passes a connector whose errors match what it declares', async () => {
    const result = await checkRetryContract(probeConnector, manifest, golden, recording);
    expect(result.summary).toEqual([
      '503 → UPSTREAM_UNAVAILABLE, retried',
      '429 → UPSTREAM_UNAVAILABLE, retried',
      '400 → UPSTREAM_REJECTED, not retried',
    ]);
    expect(result.failures).toEqual([]);
  });

  it('fails a declared non-retryable type that comes back retryable, and an undeclared code', async () => {
    const strict = {
      ...manifest,
      failure_modes: [{ type: 'UPSTREAM_UNAVAILABLE', retryable: false }],
    };
    const result = await checkRetryContract(probeConnector, strict, golden, recording);
    expect(result.failures).toEqual([
      'contract: error UPSTREAM_UNAVAILABLE came back with retryable true, but failure_modes declares it retryable false; make them agree (on a 503)',
      'contract: error UPSTREAM_UNAVAILABLE came back with retryable true, but failure_modes declares it retryable false; make them agree (on a 429)',
      expect.stringContaining(
        'contract: error code UPSTREAM_REJECTED is neither a declared failure_modes type',
      ),
    ]);
  });

  it('fails a connector that throws on an error status', async () => {
    const thrower: ConnectorFn = async (params) => {
      const response = await params.context.fetch(`${params.config.settings?.base_url}/items`);
      if (!response.ok) throw new Error('unexpected');
      return { ok: true, data: { count: 1 } };
    };
    const result = await checkRetryContract(thrower, manifest, golden, recording);
    expect(result.summary).toEqual([
      '503 → the connector threw',
      '429 → the connector threw',
      '400 → the connector threw',
    ]);
    expect(result.failures).toHaveLength(3);
  });
});
