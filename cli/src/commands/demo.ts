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
    const report = await runDemo(args.connectors);
    const pair = generateSigningKeyPair();
    const queue = await runQueueDemo(
      args.connectors,
      toPrivateKey(pair.privateKeyPem),
      toPublicKey(pair.publicKeyPem),
    );
    process.stdout.write(
      args.json
        ? `${JSON.stringify({ ...report, queue }, null, 2)}\n`
        : `${formatDemo(report)}\n${formatQueueDemo(queue)}\n`,
    );
    if (
      !report.allVerified ||
      !report.tamperDetected ||
      !report.registry.tamperedArtifactRejected ||
      !queue.allVerified
    )
      process.exitCode = 1;
  },
};
