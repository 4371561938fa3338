import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_PACKS } from '../src/packs.js';
import { loadTemplateFile } from '../src/template-file.js';

const EXPECTED = [
  'aias.agent.execute',
  'aias.knowledge.index',
  'keys.quota.check',
  'keys.rotation.schedule',
  'keys.usage.aggregate',
  'readylayer.analytics.aggregate',
  'readylayer.asset.optimize',
  'readylayer.cache.purge',
  'settler.contract.process',
  'settler.notification.send',
  'settler.report.monthly',
];

describe('the adapter template packs', () => {
  it('ship every pack in the folder, each valid, with the job types the spec names', async () => {
    const folder = dirname(TEMPLATE_PACKS.settler);
    expect(readdirSync(folder).sort()).toEqual(
      Object.keys(TEMPLATE_PACKS)
        .map((p) => `${p}.json`)
        .sort(),
    );
    const all = (await Promise.all(Object.values(TEMPLATE_PACKS).map(loadTemplateFile))).flat();
    expect(all.map((t) => t.type).sort()).toEqual(EXPECTED);
    for (const t of all) expect(['read', 'write']).toContain(t.effect);
  });
});
