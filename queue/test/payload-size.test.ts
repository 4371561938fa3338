import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient } from '../src/queue-client.js';
import { MAX_PAYLOAD_BYTES } from '../src/validate-job.js';
import { createTestDatabase, type TestDatabase } from './helpers.js';

// One definition of a payload's size, compact JSON in UTF-8 bytes, in the client and in SQL.
describe('payload size', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  const sqlBytes = async (value: unknown) =>
    Number(
      (
        await db.admin('select jobforge.jobforge_payload_bytes($1::jsonb) as n', [
          JSON.stringify(value),
        ])
      ).rows[0].n,
    );

  it('measures what JSON.stringify measures, over the limit, where the count runs', async () => {
    const big = 'é"\\\n\u0001☃'.repeat(20_000);
    const values = [
      Array.from({ length: 140_000 }, (_, i) => i % 10),
      { list: Array.from({ length: 30_000 }, (_, i) => ({ k: i, v: [true, null, 'x'] })) },
      { text: big, nested: { a: [1.5, -2, { b: {} }], c: [] } },
    ];
    for (const value of values) {
      const compact = Buffer.byteLength(JSON.stringify(value));
      expect(compact).toBeGreaterThan(MAX_PAYLOAD_BYTES);
      expect(await sqlBytes(value)).toBe(compact);
    }
  });

  it('accepts a payload just under the limit that jsonb prints a third larger', async () => {
    const client = createQueueClient(db.driver(), { tenantId: randomUUID() });
    const ones = Array.from({ length: (MAX_PAYLOAD_BYTES - 1) / 2 }, () => 1);
    expect(Buffer.byteLength(JSON.stringify(ones))).toBe(MAX_PAYLOAD_BYTES - 1);
    await expect(client.enqueue('t', ones)).resolves.toMatchObject({ created: true });
    expect(await client.enqueueMany([{ type: 't', payload: ones }])).toHaveLength(1);
    const over = [...ones, 1];
    await expect(client.enqueue('t', over)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // The SQL functions refuse it the same way, with the same size, when a caller skips the client.
    await expect(
      db.admin(`select jobforge.jobforge_enqueue_job('t', $1::jsonb, '{}', $2)`, [
        JSON.stringify(over),
        randomUUID(),
      ]),
    ).rejects.toMatchObject({
      code: 'JF001',
      message: expect.stringContaining(`${MAX_PAYLOAD_BYTES + 1} bytes`),
    });
  });
});
