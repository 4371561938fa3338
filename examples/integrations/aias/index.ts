// AIAS: an agent action against an external system (a write job: it needs a policy token).
// Run: pnpm exec tsx --conditions=@jobforge/source examples/integrations/aias/index.ts
import { TEMPLATE_PACKS } from '@jobforge/governance';
import { json, runExample } from '../_shared/governed-example.js';

await runExample({
  pack: TEMPLATE_PACKS.aias,
  type: 'aias.agent.execute',
  payload: (base) => ({
    agent_id: 'support-bot',
    action: 'crm.update_contact',
    url: `${base}/actions`,
    arguments: { contact: 'c-7', stage: 'qualified' },
  }),
  serve: (_req, body, res) =>
    json(res, 200, { done: true, action: (body as { action: string }).action }),
  request: (p) => ({
    url: String(p.url),
    method: 'POST',
    body: { action: p.action, arguments: p.arguments, timeout_ms: p.timeout_ms },
  }),
});
