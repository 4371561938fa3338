import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../global-args.js';

interface VerifyArgs extends GlobalArgs {
  evidence: string;
  'public-key': string[];
}

export const verifyCommand: CommandModule<GlobalArgs, VerifyArgs> = {
  command: 'verify <evidence>',
  describe: 'Verify a signed evidence packet (an envelope, or the output of `run --json`)',
  builder: (y) =>
    y
      .positional('evidence', {
        type: 'string',
        demandOption: true,
        describe: 'Evidence file, or - for standard input',
      })
      .option('public-key', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'Trusted public key (PEM); repeat for several',
      })
      .example(
        '$0 verify run.json --public-key .jobforge/keys/public.pem',
        'check a packet from `run --json`',
      ),
  handler: async (args) => {
    const { verifyRunResult } = await import('@jobforge/sdk');
    const { readText } = await import('../io/read-text.js');
    const { readPublicKey } = await import('../signing-key.js');
    const keys = await Promise.all(args['public-key'].map((path) => readPublicKey(path)));
    const text = await readText(args.evidence, 'evidence file');
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      document = undefined;
    }
    // The envelope itself, or `run --json` output, whose ok/data/error must match what was signed.
    const checked =
      document === undefined
        ? ({ ok: false, reason: 'MALFORMED_ENVELOPE', message: 'the file is not JSON' } as const)
        : verifyRunResult(document, keys);
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify(checked.ok ? { ok: true, keyid: checked.keyid, statement: checked.statement } : checked, null, 2)}\n`,
      );
    } else if (checked.ok) {
      const p = checked.statement.predicate;
      process.stdout.write(
        `✓ valid: ${p.connector.id}@${p.connector.version} ${p.status}${p.error_code ? ` (${p.error_code})` : ''}, tenant ${p.invocation.tenant_id}, trace ${p.invocation.trace_id}, ${p.timing.started_at}, signed by ${checked.keyid.slice(0, 16)}…\n`,
      );
    } else {
      process.stderr.write(`✗ invalid: ${checked.message} [${checked.reason}]\n`);
    }
    if (!checked.ok) process.exitCode = 1;
  },
};
