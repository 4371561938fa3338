import type { Argv, CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface IssueArgs extends GlobalArgs {
  key: string;
  tenant: string;
  action: string[];
  project?: string;
  ttl: number;
  issuer: string;
  subject?: string;
  constraint?: string;
}

const issue: CommandModule<GlobalArgs, IssueArgs> = {
  command: 'issue',
  describe: 'Sign a policy token (JWT, EdDSA) granting actions to a tenant',
  builder: (y) =>
    y
      .option('key', { type: 'string', demandOption: true, describe: 'Issuer private key (PEM)' })
      .option('tenant', { type: 'string', demandOption: true, describe: 'Tenant UUID' })
      .option('action', {
        type: 'string',
        array: true,
        demandOption: true,
        describe:
          'Granted action: enqueue:<type>, connector:<id>:write; * matches within a segment',
      })
      .option('project', { type: 'string', describe: 'Bind the token to one project' })
      .option('ttl', { type: 'number', default: 900, describe: 'Lifetime in seconds' })
      .option('issuer', {
        type: 'string',
        default: process.env.USER ?? 'jobforge',
        describe: 'iss',
      })
      .option('subject', { type: 'string', describe: 'sub: the agent or user the token is for' })
      .option('constraint', {
        type: 'string',
        describe: 'JSON Schema the payload must satisfy (JSON or @file)',
      })
      .example(
        '$0 policy issue --key keys/policy/private.pem --tenant $T --action "enqueue:settler.*"',
        '',
      ) as never,
  handler: async (args) => {
    const { issuePolicyToken } = await import('@jobforge/sdk');
    const { readPrivateKey } = await import('../signing-key.js');
    const { readJsonArg } = await import('../io/read-json-arg.js');
    const { token, claims } = await issuePolicyToken(
      {
        tenant_id: args.tenant,
        actions: args.action,
        ...(args.project ? { project_id: args.project } : {}),
        ...(args.constraint
          ? {
              constraint: (await readJsonArg(args.constraint, '--constraint')) as Record<
                string,
                unknown
              >,
            }
          : {}),
      },
      {
        privateKey: await readPrivateKey(args.key),
        issuer: args.issuer,
        ttlSeconds: args.ttl,
        ...(args.subject ? { subject: args.subject } : {}),
      },
    );
    process.stdout.write(
      args.json ? `${JSON.stringify({ token, claims }, null, 2)}\n` : `${token}\n`,
    );
  },
};

interface InspectArgs extends GlobalArgs {
  token: string;
  'public-key'?: string[];
  tenant?: string;
  action?: string;
}

const inspect: CommandModule<GlobalArgs, InspectArgs> = {
  command: 'inspect <token>',
  describe: 'Show a token’s claims; with --public-key, verify it (exit 1 when it does not hold)',
  builder: (y) =>
    y
      .positional('token', { type: 'string', demandOption: true, describe: 'The token, or @file' })
      .option('public-key', {
        type: 'string',
        array: true,
        describe: 'Trusted issuer public key(s)',
      })
      .option('tenant', { type: 'string', describe: 'The tenant it must be for' })
      .option('action', { type: 'string', describe: 'An action it must cover' }) as never,
  handler: async (args) => {
    const { JobForgeError, validatePolicyToken } = await import('@jobforge/sdk');
    const { readText } = await import('../io/read-text.js');
    const { readPublicKey } = await import('../signing-key.js');
    const token = (
      args.token.startsWith('@') ? await readText(args.token.slice(1), 'token') : args.token
    ).trim();
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    } catch {
      throw new JobForgeError('POLICY_DENIED', 'POLICY_TOKEN_MALFORMED: the token is not a JWT', {
        where: 'token',
      });
    }
    const keys = await Promise.all((args['public-key'] ?? []).map((k) => readPublicKey(k)));
    const verified =
      keys.length === 0
        ? null
        : await validatePolicyToken(token, {
            keys,
            ...(args.tenant ? { tenantId: args.tenant } : {}),
            ...(args.action ? { action: args.action } : {}),
          });
    const report = {
      claims,
      verified: verified === null ? 'not checked (no --public-key)' : verified.ok ? true : verified,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (verified && !verified.ok)
      throw new JobForgeError('POLICY_DENIED', `${verified.code}: ${verified.message}`, {
        where: 'token',
      });
  },
};

interface RevokeArgs extends QueueArgs {
  id: string;
  tenant: string;
  reason?: string;
  actor?: string;
}

const revoke: CommandModule<GlobalArgs, RevokeArgs> = {
  command: 'revoke <id>',
  describe:
    'Revoke a token by its id (jti): enqueues refuse it, queued jobs holding it fail at claim',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('id', { type: 'string', demandOption: true })
        .option('tenant', { type: 'string', demandOption: true })
        .option('reason', { type: 'string' })
        .option('actor', { type: 'string' }),
    ) as never,
  handler: async (args) => {
    const { requireFeature, isFeatureEnabled } = await import('@jobforge/queue');
    const { revokeToken } = await import('@jobforge/governance');
    const { withQueue } = await import('../queue-args.js');
    requireFeature('policy');
    await withQueue(args, async ({ driver }) => {
      const changed = await revokeToken(driver, args.id, args.tenant, {
        actor: args.actor ?? process.env.USER ?? 'cli',
        audit: isFeatureEnabled('audit'),
        ...(args.reason ? { reason: args.reason } : {}),
      });
      const text = changed ? `revoked ${args.id}` : `${args.id} was revoked already`;
      process.stdout.write(
        args.json ? `${JSON.stringify({ id: args.id, changed })}\n` : `${text}\n`,
      );
    });
  },
};

export const policyCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'policy <command>',
  describe: 'Policy tokens: issue, inspect, revoke',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(issue)
      .command(inspect)
      .command(revoke as never)
      .demandCommand(1, 'name a policy subcommand: issue, inspect or revoke'),
  handler: () => {},
};
