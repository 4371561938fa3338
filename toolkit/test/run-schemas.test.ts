import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ARTIFACT_MANIFEST_SCHEMA,
  generateSigningKeyPair,
  RUN_EVENT_KINDS,
  RUN_EVENT_SCHEMA,
} from '@jobforge/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
// A test reaches the runtime's source to make a real record; the toolkit package never imports it.
import {
  createFsArtifactStore,
  createRunRecorder,
  createRuntime,
  RUN_RECEIPT_SCHEMA,
} from '../../runtime/src/index.js';

const ROOT = join(import.meta.dirname, '../..');
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const SCHEMAS: Record<string, string> = {
  [RUN_EVENT_SCHEMA]: 'sdk/schema/run-event.schema.json',
  [ARTIFACT_MANIFEST_SCHEMA]: 'sdk/schema/artifact-manifest.schema.json',
  [RUN_RECEIPT_SCHEMA]: 'runtime/schema/run-receipt.schema.json',
};

/** The JSON Schemas docs/runs.md shows, by $id. */
function schemasInDocs(): Map<string, unknown> {
  const text = readFileSync(join(ROOT, 'docs/runs.md'), 'utf8');
  const found = new Map<string, unknown>();
  for (const [, block] of text.matchAll(/```json\n([\s\S]*?)\n```/g)) {
    try {
      const value = JSON.parse(block!) as { $id?: string };
      if (value.$id) found.set(value.$id, value);
    } catch {}
  }
  return found;
}

// The run formats have one source of truth each, the schema files packed with sdk and runtime;
// docs/runs.md, the code's constants and real records must all agree with them.
describe('run record schemas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobforge-run-schemas-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are the schemas docs/runs.md shows, and name the ids the code writes', () => {
    const docs = schemasInDocs();
    for (const [id, path] of Object.entries(SCHEMAS)) {
      const schema = read(path);
      expect(schema.$id, path).toBe(id);
      expect(schema.properties.$schema.const, path).toBe(id);
      expect(docs.get(id), `docs/runs.md shows ${path}`).toEqual(schema);
    }
    expect(read(SCHEMAS[RUN_EVENT_SCHEMA]!).properties.kind.enum).toEqual([...RUN_EVENT_KINDS]);
    for (const pkg of ['sdk', 'runtime'])
      expect(read(`${pkg}/package.json`).files, `${pkg} packs its schemas`).toContain('schema');
  });

  it('validate a real record: every event, the signed manifest, the receipt', async () => {
    const pair = generateSigningKeyPair();
    const runtime = await createRuntime({
      signingKey: pair.privateKeyPem,
      pool: { maxChildren: 1, warm: 0 },
    });
    const blobs = new Map<string, Buffer>();
    let manifest: unknown;
    const recorder = createRunRecorder({
      jobId: '7',
      attempt: 1,
      large: createFsArtifactStore(join(dir, 'artifacts')),
      input: { operation: 'artifacts.put', payload: {} },
      sink: {
        appendRunEvents: async () => 0,
        recordRun: async (_job, _attempt, write) => {
          const { sha256Hex } = await import('@jobforge/sdk');
          for (const b of write.blobs) blobs.set(sha256Hex(b), Buffer.from(b));
          manifest = write.manifest;
          return { last_seq: 0, stored: true };
        },
      },
    });
    try {
      const payload = {
        puts: [
          { name: 'report.csv', text: 'a\n', contentType: 'text/csv' },
          { name: '../bad', text: 'x', contentType: 'text/plain' },
        ],
      };
      const run = await runtime.run(
        join(ROOT, 'runtime/test/fixtures/good/artifacts'),
        { payload },
        { job_id: '7', record: recorder.record },
      );
      expect(run.ok).toBe(true);
      const view = await recorder.finish(run);
      expect(manifest).toEqual(view);
      const ajv = new Ajv2020({ strict: true, validateFormats: false });
      const check = (id: string, value: unknown) => {
        const validate = ajv.getSchema(id) ?? ajv.compile(read(SCHEMAS[id]!));
        expect(validate(value) ? [] : validate.errors, id).toEqual([]);
      };
      const bytesOf = (name: string) =>
        blobs.get(view.artifacts.find((a) => a.name === name)!.sha256)!;
      const events = bytesOf('events.jsonl')
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(events.map((e) => e.kind)).toEqual(['started', 'artifact', 'finished']);
      for (const event of events) check(RUN_EVENT_SCHEMA, event);
      // The signed manifest is the stored one without the where-kept fields.
      const signed = {
        $schema: view.$schema,
        artifacts: view.artifacts
          .filter((a) => a.signed)
          .map(({ signed: _s, storage: _t, ...entry }) => entry),
      };
      check(ARTIFACT_MANIFEST_SCHEMA, signed);
      check(RUN_RECEIPT_SCHEMA, JSON.parse(bytesOf('run_receipt.json').toString()));
    } finally {
      await runtime.close();
    }
  });
});
