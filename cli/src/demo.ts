import { join } from 'node:path';
import { createRuntime } from '@jobforge/runtime';
import {
  generateSigningKeyPair,
  type JsonValue,
  toPrivateKey,
  toPublicKey,
  verifyEvidence,
} from '@jobforge/sdk';
import { formatTable } from './format-table.js';
import { readConnectorIdentity } from './load-connector-dir.js';

interface DemoCase {
  connector: string;
  name: string;
  payload: JsonValue;
}

const CASES: DemoCase[] = [
  { connector: 'echo', name: 'say hello', payload: { message: 'hello, JobForge' } },
  {
    connector: 'echo',
    name: 'upper-case',
    payload: { message: 'signed and sealed', uppercase: true },
  },
  { connector: 'echo', name: 'empty message', payload: { message: '' } },
];

export interface DemoReport {
  keyId: string;
  /** How the sandbox isolated the connectors on this host. */
  sandbox: string;
  rows: { connector: string; case: string; result: string; evidence: string }[];
  tamperDetected: boolean;
  allVerified: boolean;
}

/** The end-to-end demo: run the reference connectors, sign, verify, and show a tampered packet failing. */
export async function runDemo(connectorsDir: string): Promise<DemoReport> {
  const pair = generateSigningKeyPair();
  const key = toPrivateKey(pair.privateKeyPem);
  const publicKey = toPublicKey(pair.publicKeyPem);
  const rows: DemoReport['rows'] = [];
  let allVerified = true;
  let firstEnvelope: { payload: string } | undefined;
  // Every case runs in the sandbox: warm child processes, evidence signed here, after the fact.
  const runtime = await createRuntime({ signingKey: key, pool: { maxChildren: 2, warm: 1 } });
  const { isolation } = runtime;
  const sandbox = `network ${isolation.network}, ${isolation.uidBase === null ? 'host uid' : 'dedicated uid'}, ${isolation.memory}`;
  try {
    for (const demoCase of CASES) {
      const dir = join(connectorsDir, demoCase.connector);
      const connector = { metadata: await readConnectorIdentity(dir) };
      const started = performance.now();
      const run = await runtime.run(
        dir,
        { payload: demoCase.payload },
        { trace_id: `demo-${rows.length + 1}` },
      );
      const ms = (performance.now() - started).toFixed(1);
      const checked = verifyEvidence(run.evidence, publicKey);
      allVerified &&= checked.ok;
      firstEnvelope ??= run.evidence;
      rows.push({
        connector: `${connector.metadata.connector_id}@${connector.metadata.version}`,
        case: demoCase.name,
        result: run.ok ? `ok (${ms} ms)` : `${run.error.code} (${ms} ms)`,
        evidence: checked.ok ? 'signature verified' : `INVALID: ${checked.reason}`,
      });
    }
  } finally {
    await runtime.close();
  }
  // Change one byte of meaning in a signed packet: verification must refuse it.
  const tampered = { ...firstEnvelope!, payload: tamper(firstEnvelope!.payload) };
  const tamperCheck = verifyEvidence({ ...(firstEnvelope as object), ...tampered }, publicKey);
  return { keyId: pair.keyId, sandbox, rows, tamperDetected: !tamperCheck.ok, allVerified };
}

function tamper(payload: string): string {
  const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  statement.predicate.status = statement.predicate.status === 'success' ? 'failure' : 'success';
  return Buffer.from(JSON.stringify(statement)).toString('base64');
}

export function formatDemo(report: DemoReport): string {
  const lines = [
    'JobForge demo: run connectors in the sandbox, sign the evidence with the host key, verify it',
    `host key ${report.keyId.slice(0, 16)}… (Ed25519, generated for this run)`,
    `sandbox: ${report.sandbox}`,
    '',
    formatTable(
      ['connector', 'case', 'result', 'evidence'],
      report.rows.map((r) => [r.connector, r.case, r.result, r.evidence]),
    ),
    '',
    `tampered packet (status flipped after signing): ${report.tamperDetected ? 'rejected, as it must be' : 'ACCEPTED — this is a bug'}`,
    report.allVerified && report.tamperDetected ? 'demo passed' : 'demo FAILED',
  ];
  return `${lines.join('\n')}\n`;
}
