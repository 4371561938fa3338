import type { Argv } from 'yargs';
import type { QueueArgs } from '../queue-args.js';
import type { RunLookup } from './read-run-record.js';

/** Options every command that reads a recorded run takes. */
export interface RunArgs extends QueueArgs {
  tenant?: string;
  'artifacts-dir'?: string;
  'public-key'?: string;
}

export function withRunOptions<T extends QueueArgs>(y: Argv<T>): Argv<T & RunArgs> {
  return y
    .option('tenant', { type: 'string', describe: 'Act for this tenant only' })
    .option('artifacts-dir', {
      type: 'string',
      describe: 'Folder of large run artifacts (default .jobforge/artifacts)',
    })
    .option('public-key', {
      type: 'string',
      describe: "Host's public key (default .jobforge/keys/public.pem when present)",
    }) as Argv<T & RunArgs>;
}

export function runLookupOf(args: RunArgs): RunLookup {
  return {
    ...(args.tenant ? { tenant: args.tenant } : {}),
    ...(args['artifacts-dir'] ? { artifactsDir: args['artifacts-dir'] } : {}),
    ...(args['public-key'] ? { publicKey: args['public-key'] } : {}),
  };
}
