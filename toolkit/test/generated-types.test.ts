import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderGeneratedTypes } from '../../scripts/render-generated-types.js';

describe('generated types', () => {
  it.each(renderGeneratedTypes().map((t) => [t.path, t.source]))(
    '%s matches the schema (run `npm run generate:types` when this fails)',
    (path, source) => {
      expect(readFileSync(path, 'utf8')).toBe(source);
    },
  );
});
