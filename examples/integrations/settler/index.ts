// Settler: a signed notification delivery (a write job: it needs a policy token).
// Run: pnpm exec tsx --conditions=@jobforge/source examples/integrations/settler/index.ts
import { TEMPLATE_PACKS } from '@jobforge/governance';
import { json, runExample } from '../_shared/governed-example.js';

await runExample({
  pack: TEMPLATE_PACKS.settler,
  type: 'settler.notification.send',
  payload: (base) => ({
    recipient: 'acct-42',
    template: 'invoice.ready',
    url: `${base}/notify`,
    variables: { invoice: 'INV-1001' },
  }),
  serve: (_req, body, res) => json(res, 202, { accepted: true, echo: body }),
  request: (p) => ({
    url: String(p.url),
    method: 'POST',
    body: { to: p.recipient, template: p.template, variables: p.variables, channel: p.channel },
  }),
});
