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
    const { generateSigningKeyPair, toPrivateKey, toPublicKey } = await import('@jobforge/sdk');
    const { runQueueDemo, formatQueueDemo } = await import('../queue-demo.js');
    const { runRunsDemo, formatRunsDemo } = await import('../runs-demo.js');
    const report = await runDemo(args.connectors);
    const pair = generateSigningKeyPair();
    const keys = [toPrivateKey(pair.privateKeyPem), toPublicKey(pair.publicKeyPem)] as const;
    // Independent legs on databases of their own: run side by side.
    const [queue, runs] = await Promise.all([
      runQueueDemo(args.connectors, ...keys),
      runRunsDemo(args.connectors, ...keys),
    ]);
    process.stdout.write(
      args.json
        ? `${JSON.stringify({ ...report, queue, runs }, null, 2)}\n`
        : `${formatDemo(report)}\n${formatQueueDemo(queue)}\n\n${formatRunsDemo(runs)}\n`,
    );
    if (
      !report.allVerified ||
      !report.tamperDetected ||
      !report.registry.tamperedArtifactRejected ||
      !queue.allVerified ||
      !runs.ok
    )
      process.exitCode = 1;
  },
};
