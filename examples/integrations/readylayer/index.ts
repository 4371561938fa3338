// ReadyLayer: a CDN cache purge (a write job: it needs a policy token).
// Run: pnpm exec tsx --conditions=@jobforge/source examples/integrations/readylayer/index.ts
import { TEMPLATE_PACKS } from '@jobforge/governance';
import { json, runExample } from '../_shared/governed-example.js';

await runExample({
  pack: TEMPLATE_PACKS.readylayer,
  type: 'readylayer.cache.purge',
  payload: (base) => ({ url: `${base}/purge`, paths: ['/index.html', '/assets/app.js'] }),
  serve: (_req, body, res) =>
    json(res, 200, {
      purged: (body as { paths: string[] }).paths.length,
      soft: (body as { soft: boolean }).soft,
    }),
  request: (p) => ({ url: String(p.url), method: 'POST', body: { paths: p.paths, soft: p.soft } }),
});
