// The sandbox child's entry. esbuild bundles it into one file that the host starts with the
// permission model; it must stay free of anything that reads files other than that bundle.
import { createHash } from 'node:crypto';
import { Socket } from 'node:net';
import { checkOutput } from './check-output.js';
import { createFrameReader } from './frame-codec.js';
import { diffGlobalSnapshot, takeGlobalSnapshot } from './global-snapshot.js';
import { importBundle } from './import-bundle.js';
import { installNetworkGuard } from './network-guard.js';
import { createProxiedFetch, type EgressAnswer } from './proxied-fetch.js';

dropPrivileges();

// Captured before any connector code runs, so a poisoned JSON cannot change what the host receives.
const stringify = JSON.stringify;
const parse = JSON.parse;
const exit = process.exit.bind(process);
const activeResources = process.getActiveResourcesInfo.bind(process);
// Frames from the host (trusted) may carry a whole bundle; the host caps what comes back.
const MAX_FRAME = 256 * 1024 * 1024;

type Denial = { kind: string; target: string; reason: string };
interface CallRequest {
  t: 'call';
  id: number;
  params: {
    config: Record<string, unknown>;
    input: { operation: string; payload: unknown };
    context: Record<string, unknown> & { secrets: Record<string, string> };
  };
  timeoutMs: number;
  maxOutputBytes: number;
}

const channel = new Socket({ fd: 3, readable: true, writable: true });
const send = (frame: unknown) => {
  channel.write(`${stringify(frame)}\n`);
};

let connector: ((params: unknown) => unknown) | undefined;
let denials: Denial[] = [];
let current: { id: number; settle: (frame: unknown) => void } | undefined;
let nextEgressId = 1;
const egressWaiting = new Map<number, (answer: EgressAnswer) => void>();
let nextArtifactId = 1;
const artifactWaiting = new Map<number, (answer: ArtifactAnswer) => void>();
// Must match MAX_ARTIFACT_CHUNK_BYTES in frames/child-frames.ts (the host refuses a larger chunk).
const ARTIFACT_CHUNK = 192 * 1024;
type ArtifactAnswer =
  | { ok: true; done: boolean; name?: string; size?: number; sha256?: string; stored?: boolean }
  | { ok: false; code: string; message: string };

// Only the namespace test starts a child without it, to show the namespace holds on its own.
if (!process.argv.includes('--without-network-guard'))
  installNetworkGuard((target, reason) => denials.push({ kind: 'network', target, reason }));
lockProcess();
const proxiedFetch = createProxiedFetch(
  (request) =>
    new Promise<EgressAnswer>((resolve) => {
      const id = nextEgressId++;
      egressWaiting.set(id, resolve);
      send({ t: 'fetch', id, request });
    }),
);
Object.defineProperty(globalThis, 'fetch', {
  value: proxiedFetch,
  writable: true,
  configurable: true,
});
// One logger for every call: it holds nothing of a call, and frozen, a call cannot change it for the next.
const logger = Object.freeze(
  Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [
      level,
      (message: unknown, fields?: unknown) => {
        try {
          send({
            t: 'log',
            level,
            message: String(message).slice(0, 2000),
            fields: safeJson(fields),
          });
        } catch {}
      },
    ]),
  ),
);
const baseline = takeGlobalSnapshot();
// The runner's own handles (its channel); anything more after a call is work the connector left.
const idleResources = countResources(activeResources());

const reader = createFrameReader(
  MAX_FRAME,
  (text) => {
    const frame = parse(text) as { t: string; id: number } & Record<string, unknown>;
    if (frame.t === 'load') void load(frame.id, frame.source as string, frame.integrity as string);
    else if (frame.t === 'call') void call(frame as unknown as CallRequest);
    else if (frame.t === 'artifact-result') {
      const resolve = artifactWaiting.get(frame.id);
      artifactWaiting.delete(frame.id);
      resolve?.(frame.answer as ArtifactAnswer);
    } else if (frame.t === 'fetch-result') {
      const resolve = egressWaiting.get(frame.id);
      egressWaiting.delete(frame.id);
      resolve?.(frame.answer as EgressAnswer);
    }
  },
  () => exit(70),
);
channel.on('data', (chunk: Buffer) => reader.push(chunk));
channel.on('end', () => exit(0));
channel.on('error', () => exit(0));

// A throw the connector did not await still ends its call, as a crash of that call.
process.on('uncaughtException', (error) => failCurrent(error, 'CONNECTOR_CRASHED'));
process.on('unhandledRejection', (error) => failCurrent(error, 'CONNECTOR_CRASHED'));
send({ t: 'ready', pid: process.pid });

async function load(id: number, source: string, integrity: string): Promise<void> {
  try {
    const bytes = Buffer.from(source, 'utf8');
    const actual = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
    if (actual !== integrity) throw new Error(`integrity ${actual} does not match ${integrity}`);
    // Imported from the verified bytes: the child reads no file but its own runner.
    const module = (await importBundle(
      `data:text/javascript;base64,${bytes.toString('base64')}`,
    )) as { default?: unknown };
    if (typeof module.default !== 'function')
      throw new Error('the bundle has no default-exported function');
    connector = module.default as (params: unknown) => unknown;
    const changed = diffGlobalSnapshot(baseline);
    if (changed) throw new Error(`loading the connector tampered with the sandbox: ${changed}`);
    send({ t: 'loaded', id, ok: true });
  } catch (error) {
    send({ t: 'loaded', id, ok: false, message: describe(error) });
  }
}

async function call(request: CallRequest): Promise<void> {
  denials = [];
  // The connector's AbortSignal and its deadline timer are made on first read of context.signal:
  // most calls never read it, and an AbortController and a timer per call are a warm call's cost.
  const startedAt = performance.now();
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const signal = (): AbortSignal => {
    if (!controller) {
      const made = new AbortController();
      controller = made;
      timer = setTimeout(
        () =>
          made.abort(Object.assign(new Error('the call passed its deadline'), { code: 'TIMEOUT' })),
        Math.max(0, request.timeoutMs - (performance.now() - startedAt)),
      );
    }
    return controller.signal;
  };
  let settled = false;
  current = {
    id: request.id,
    settle: (frame) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      current = undefined;
      // Timers, sockets or requests still open: the connector left work that would run while the
      // child sits idle in the pool, so the host recycles it instead of keeping it warm.
      send(leftWork() ? { ...(frame as object), pending: true } : frame);
    },
  };
  const { params } = request;
  const settle = current.settle;
  try {
    if (!connector) throw new Error('no connector is loaded in this sandbox');
    const returned = (await connector({
      config: params.config,
      input: params.input,
      context: {
        ...params.context,
        secrets: Object.freeze({ ...params.context.secrets }),
        get signal() {
          return signal();
        },
        fetch: proxiedFetch,
        logger,
        artifacts: Object.freeze({ put: putArtifact }),
      },
    })) as unknown;
    const checked = checkOutput(returned, request.maxOutputBytes);
    const tampered = diffGlobalSnapshot(baseline);
    if (tampered) {
      settle({
        t: 'result',
        id: request.id,
        error: { code: 'SANDBOX_VIOLATION', message: tampered.slice(0, 1000) },
        denials: sentDenials(),
        tainted: true,
      });
    } else if (!checked.ok) {
      settle({
        t: 'result',
        id: request.id,
        error: { code: checked.code, message: checked.message },
        denials: sentDenials(),
      });
    } else {
      settle({ t: 'result', id: request.id, outcome: returned, denials: sentDenials() });
    }
  } catch (thrown) {
    settle({
      t: 'result',
      id: request.id,
      error: classifyThrown(thrown, 'CONNECTOR_THREW'),
      denials: sentDenials(),
    });
  }
}

/**
 * context.artifacts.put: the bytes go to the host in chunks, each answered before the next is
 * sent, so a connector can stream any amount without the child or the host holding it all. The
 * host judges name, type and caps; a refusal rejects with its code and the run goes on.
 */
async function putArtifact(
  name: unknown,
  data: unknown,
  options?: { contentType?: unknown },
): Promise<{ name: string; size: number; sha256: string; stored: boolean }> {
  const fail = (code: string, message: string) => Object.assign(new Error(message), { code });
  if (typeof name !== 'string') throw fail('ARTIFACT_NAME_INVALID', 'an artifact name is a string');
  const type = options?.contentType ?? 'application/octet-stream';
  if (typeof type !== 'string') throw fail('ARTIFACT_NAME_INVALID', 'contentType is a string');
  let bytes: Buffer;
  if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array)
    bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  else throw fail('ARTIFACT_NAME_INVALID', 'artifact data is a string or a Uint8Array');
  const id = nextArtifactId++;
  for (let offset = 0; ; offset += ARTIFACT_CHUNK) {
    const last = offset + ARTIFACT_CHUNK >= bytes.length;
    const chunk = bytes.subarray(offset, offset + ARTIFACT_CHUNK);
    const answer = await new Promise<ArtifactAnswer>((resolve) => {
      artifactWaiting.set(id, resolve);
      send({
        t: 'artifact',
        id,
        name: name.slice(0, 256),
        content_type: type.slice(0, 256),
        data: chunk.toString('base64'),
        last,
      });
    });
    if (!answer.ok) throw fail(answer.code, answer.message);
    if (last)
      return {
        name: answer.name ?? name,
        size: answer.size ?? bytes.length,
        sha256: answer.sha256 ?? '',
        stored: answer.stored === true,
      };
  }
}

function countResources(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function leftWork(): boolean {
  try {
    for (const [name, n] of countResources(activeResources()))
      if (n > (idleResources.get(name) ?? 0)) return true;
    return false;
  } catch {
    return true;
  }
}

/** The denials in the bounds the host's frame schema holds a result to (frames/child-frames.ts). */
function sentDenials(): Denial[] {
  return denials.slice(0, 50).map((d) => ({
    kind: d.kind.slice(0, 40),
    target: d.target.slice(0, 300),
    reason: d.reason.slice(0, 2000),
  }));
}

function failCurrent(error: unknown, code: string): void {
  if (!current) return;
  current.settle({
    t: 'result',
    id: current.id,
    error: classifyThrown(error, code),
    denials: sentDenials(),
    crashed: true,
  });
}

function classifyThrown(thrown: unknown, fallback: string): { code: string; message: string } {
  const code =
    typeof thrown === 'object' && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  if (code === 'NETWORK_DENIED') return { code: 'NETWORK_DENIED', message: describe(thrown) };
  if (
    code === 'ERR_ACCESS_DENIED' ||
    code === 'EPERM' ||
    code === 'EACCES' ||
    code === 'ERR_DLOPEN_DISABLED'
  ) {
    const t = thrown as { permission?: unknown; resource?: unknown };
    denials.push({
      kind: 'permission',
      target: String(t.resource ?? t.permission ?? code).slice(0, 300),
      reason: describe(thrown),
    });
    return { code: 'PERMISSION_DENIED', message: describe(thrown) };
  }
  if (code === 'TIMEOUT') return { code: 'TIMEOUT', message: describe(thrown) };
  return { code: fallback, message: describe(thrown) };
}

function describe(thrown: unknown): string {
  try {
    if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`.slice(0, 1000);
    return `a non-Error value (${thrown === null ? 'null' : typeof thrown})`;
  } catch {
    return 'a value that could not be described';
  }
}

function safeJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return checkOutput(value, 4096).ok ? parse(stringify(value)) : undefined;
  } catch {
    return undefined;
  }
}

// Signals to anyone but itself are refused here too (the dedicated uid refuses them in the kernel).
function lockProcess(): void {
  const p = process as unknown as Record<string, unknown>;
  const originalKill = process.kill.bind(process);
  p.kill = (pid: number, signal?: string | number) => {
    if (pid !== process.pid) {
      const error = Object.assign(new Error(`kill(${pid}) is not allowed in the sandbox`), {
        code: 'EPERM',
      });
      throw error;
    }
    return originalKill(pid, signal);
  };
  const rawKill = p._kill as (pid: number, signal: number) => number;
  // process.kill calls process._kill; replacing it closes the back door. -1 is EPERM on Linux.
  p._kill = (pid: number, signal: number) =>
    pid === process.pid ? rawKill.call(process, pid, signal) : -1;
}

// Started as root, the runner becomes the sandbox uid before anything else can run; it refuses to
// go on if the drop did not take.
function dropPrivileges(): void {
  const flag = process.argv.find((arg) => arg.startsWith('--sandbox-uid='));
  if (!flag) return;
  const id = Number(flag.slice('--sandbox-uid='.length));
  try {
    process.setgroups?.([]);
    process.setgid?.(id);
    process.setuid?.(id);
  } catch {}
  if (process.getuid?.() !== id || process.getgid?.() !== id || process.geteuid?.() !== id)
    process.exit(71);
}
