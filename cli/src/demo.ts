import { join } from 'node:path';
import { createRuntime } from '@jobforge/runtime';
import {
  generateSigningKeyPair,
  type JsonValue,
  toPrivateKey,
  toPublicKey,
  verifyEvidence,
} from '@jobforge/sdk';
import { type RegistryDemo, registryDemo } from './demo-registry.js';
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
  registry: RegistryDemo;
}

/** The end-to-end demo: run the reference connectors, sign, verify, and show a tampered packet failing. */
export async function runDemo(connectorsDir: string): Promise<DemoReport> {
  const pair = generateSigningKeyPair();
  const key = toPrivateKey(pair.privateKeyPem);
  const publicKey = toPublicKey(pair.publicKeyPem);
  const rows: DemoReport['rows'] = [];
  let allVerified = true;
  let firstEnvelope: { payload: string } | undefined;
  let registry: RegistryDemo;
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
    // Each connector's first case runs again, resolved through a signed registry, in the sandbox.
    const payloads = new Map<string, { name: string; payload: JsonValue }>();
    for (const c of CASES)
      if (!payloads.has(c.connector))
        payloads.set(c.connector, { name: c.name, payload: c.payload });
    registry = await registryDemo(connectorsDir, runtime, publicKey, payloads);
    rows.push(...registry.rows);
    allVerified &&= registry.allVerified;
  } finally {
    await runtime.close();
  }
  // Change one byte of meaning in a signed packet: verification must refuse it.
  const tampered = { ...firstEnvelope!, payload: tamper(firstEnvelope!.payload) };
  const tamperCheck = verifyEvidence({ ...(firstEnvelope as object), ...tampered }, publicKey);
  return {
    keyId: pair.keyId,
    sandbox,
    rows,
    tamperDetected: !tamperCheck.ok,
    allVerified,
    registry,
  };
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
    `registry: ${report.registry.connectors} connector(s) bundled and signed by ${report.registry.keyId.slice(0, 16)}…, served at ${report.registry.url}, index signature verified by the client`,
    `tampered artifact (code appended after signing): ${report.registry.tamperedArtifactRejected ? 'rejected before loading, as it must be' : 'ACCEPTED — this is a bug'}`,
    report.allVerified && report.tamperDetected && report.registry.tamperedArtifactRejected
      ? 'demo passed'
      : 'demo FAILED',
  ];
  return `${lines.join('\n')}\n`;
}
