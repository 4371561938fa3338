import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface DemoArgs extends GlobalArgs {
  connectors: string;
}

export const demoCommand: CommandModule<GlobalArgs, DemoArgs> = {
  command: 'demo',
  describe: 'Run the whole flow end to end and print a readable summary',
  builder: (y) =>
    y.option('connectors', {
      type: 'string',
      default: 'connectors',
      describe: 'Folder of reference connectors',
    }),
  handler: async (args) => {
    const { runDemo, formatDemo } = await import('../demo.js');
    const report = await runDemo(args.connectors);
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatDemo(report));
    if (!report.allVerified || !report.tamperDetected || !report.registry.tamperedArtifactRejected)
      process.exitCode = 1;
  },
};
