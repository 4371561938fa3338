// TruthCore: verify a claim (a read job: validated against its template, no token needed).
// Run: pnpm exec tsx --conditions=@jobforge/source examples/integrations/truthcore/index.ts
import { fileURLToPath } from 'node:url';
import { json, runExample } from '../_shared/governed-example.js';

await runExample({
  pack: fileURLToPath(new URL('./template.json', import.meta.url)),
  type: 'truthcore.claim.verify',
  payload: (base) => ({ claim: 'JobForge stores evidence per run', url: `${base}/verify` }),
  serve: (_req, body, res) =>
    json(res, 200, { supported: true, sources: (body as { min_sources: number }).min_sources }),
  request: (p) => ({
    url: String(p.url),
    method: 'POST',
    body: { claim: p.claim, min_sources: p.min_sources },
  }),
});
