import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';
import { type QueueArgs, withQueueOptions } from '../queue-args.js';

interface TemplatesArgs extends QueueArgs {
  action: 'add' | 'list' | 'show' | 'disable';
  target?: string[];
  actor?: string;
}

export const templatesCommand: CommandModule<GlobalArgs, TemplatesArgs> = {
  command: 'templates <action> [target..]',
  describe:
    'Job templates: add <file..>, list, show <type>, disable <type> (JOBFORGE_TEMPLATES_ENABLED)',
  builder: (y) =>
    withQueueOptions(
      y
        .positional('action', {
          choices: ['add', 'list', 'show', 'disable'] as const,
          demandOption: true,
        })
        .positional('target', {
          type: 'string',
          array: true,
          describe: 'Template files (add) or a job type',
        })
        .option('actor', {
          type: 'string',
          describe: 'Who makes the change (audit; default $USER)',
        }),
    )
      .example('$0 templates add templates/packs/settler.json', 'install the settler pack')
      .example(
        '$0 templates show settler.notification.send',
        'its payload schema and effect',
      ) as never,
  handler: async (args) => {
    const { requireFeature, isFeatureEnabled } = await import('@jobforge/queue');
    const gov = await import('@jobforge/governance');
    const { JobForgeError } = await import('@jobforge/sdk');
    const { withQueue } = await import('../queue-args.js');
    requireFeature('templates');
    const out = (value: unknown, text: string) =>
      process.stdout.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
    const targets = args.target ?? [];
    const actor = args.actor ?? process.env.USER ?? 'cli';
    if (
      (args.action !== 'list' && targets.length === 0) ||
      (args.action !== 'add' && targets.length > 1)
    )
      throw new JobForgeError(
        'MISSING_ARGUMENT',
        `templates ${args.action} needs ${args.action === 'add' ? 'one or more files' : 'one job type'}`,
        {
          hint: `jobforge templates ${args.action} ${args.action === 'add' ? '<file..>' : '<type>'}`,
        },
      );
    // Files are checked before the database is opened: a bad file changes nothing.
    const files =
      args.action === 'add' ? await Promise.all(targets.map((f) => gov.loadTemplateFile(f))) : [];
    await withQueue(args, async ({ driver }) => {
      const audit = isFeatureEnabled('audit');
      if (args.action === 'add') {
        const added = await gov.addTemplates(driver, files.flat(), { actor, audit });
        out(
          added,
          added
            .map((t) => `${t.created ? 'added' : 'unchanged'} ${t.type}@${t.version}`)
            .join('\n'),
        );
      } else if (args.action === 'disable') {
        const count = await gov.disableTemplate(driver, targets[0]!, { actor, audit });
        if (count === 0)
          throw new JobForgeError('TEMPLATE_NOT_FOUND', `no enabled template for ${targets[0]}`, {
            hint: 'jobforge templates list shows them',
          });
        out(
          { type: targets[0], disabled: count },
          `disabled ${targets[0]} (${count} version${count === 1 ? '' : 's'})`,
        );
      } else {
        const rows = await gov.listTemplates(driver, targets[0]);
        if (args.action === 'show' && rows.length === 0)
          throw new JobForgeError('TEMPLATE_NOT_FOUND', `no template for ${targets[0]}`, {
            hint: 'jobforge templates list shows them',
          });
        out(
          rows,
          args.action === 'show'
            ? rows
                .map(
                  (t) =>
                    `${t.type}@${t.version} ${t.effect}${t.enabled ? '' : ' (disabled)'}\n${t.description}\n${JSON.stringify(t.payload_schema, null, 2)}`,
                )
                .join('\n\n')
            : rows
                .map(
                  (t) =>
                    `${t.type}@${t.version}\t${t.effect}\t${t.enabled ? 'enabled' : 'disabled'}\t${t.description}`,
                )
                .join('\n') || 'no templates',
        );
      }
    });
  },
};
