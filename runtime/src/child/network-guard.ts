// The modules' own export objects (what every `import` of them sees), so patching them reaches all.
// getBuiltinModule works the same in the runner script and in its startup snapshot.
const dgram = process.getBuiltinModule('node:dgram');
const dns = process.getBuiltinModule('node:dns');
const net = process.getBuiltinModule('node:net');
const os = process.getBuiltinModule('node:os');

/** What the guard tells the host about each refused attempt. */
export type DenialReporter = (target: string, reason: string) => void;

/** The error a refused network attempt raises inside the child. */
export function networkDenied(target: string, reason: string): Error {
  const error = new Error(`network access to ${target} denied: ${reason}`) as Error & {
    code: string;
  };
  error.code = 'NETWORK_DENIED';
  return error;
}

/**
 * The in-child guard: every raw way out (`net`/`tls`/`http`/`https` sockets, `dgram`, `dns`,
 * WebSocket) is refused, so the only way out is `fetch`, which the host proxies and checks. In a
 * network namespace this is a second wall; without one it is the only wall, and SECURITY.md says
 * what it leaves open. It must run before any connector code.
 */
export function installNetworkGuard(report: DenialReporter): void {
  const refuse = (target: string, what: string): Error => {
    const reason = `${what} is not available in the sandbox; use fetch to a declared host`;
    report(target, reason);
    return networkDenied(target, reason);
  };
  const socketProto = net.Socket.prototype as unknown as Record<string, unknown>;
  socketProto.connect = function connect(this: import('node:net').Socket, ...args: unknown[]) {
    const target = describeConnectArgs(args);
    const error = refuse(target, 'a raw socket');
    process.nextTick(() => this.destroy(error));
    return this;
  };
  const serverProto = net.Server.prototype as unknown as Record<string, unknown>;
  serverProto.listen = function listen(this: import('node:net').Server) {
    const error = refuse('listen', 'listening for connections');
    process.nextTick(() => this.emit('error', error));
    return this;
  };
  // The server handle behind listen(), public as net._createServerHandle: it binds TCP ports and
  // creates Unix socket files (world-writable, in /tmp) without going through listen.
  (net as unknown as Record<string, unknown>)._createServerHandle = (address: unknown) =>
    refuse(String(address ?? 'listen').slice(0, 300), 'listening for connections');
  // The host's interface addresses are not the connector's business, and guard mode shares them.
  (os as unknown as Record<string, unknown>).networkInterfaces = () => {
    throw refuse('interfaces', 'reading network interfaces');
  };
  (dgram as unknown as Record<string, unknown>).createSocket = () => {
    throw refuse('udp', 'a UDP socket');
  };
  // `new dgram.Socket(...)` bypasses createSocket: its send, bind and connect refuse too.
  const udpProto = dgram.Socket.prototype as unknown as Record<string, unknown>;
  for (const method of ['send', 'bind', 'connect']) {
    udpProto[method] = function refuseUdp(this: import('node:dgram').Socket, ...args: unknown[]) {
      const target =
        method === 'send' ? `${String(args.at(-2) ?? '')}:${String(args.at(-3) ?? '')}` : 'udp';
      throw refuse(target, 'a UDP socket');
    };
  }
  const lookupDenied = (name: unknown) => refuse(String(name).slice(0, 300), 'a DNS lookup');
  for (const method of Object.keys(dns)) {
    const value = (dns as unknown as Record<string, unknown>)[method];
    if (typeof value !== 'function' || !/^(lookup|resolve|reverse)/.test(method)) continue;
    (dns as unknown as Record<string, unknown>)[method] = (name: unknown, ...rest: unknown[]) => {
      const callback = rest.at(-1);
      const error = lookupDenied(name);
      if (typeof callback === 'function') process.nextTick(() => callback(error));
      else throw error;
    };
  }
  // `new dns.Resolver()` with its own servers sends packets itself: every query method refuses.
  for (const Resolver of [dns.Resolver, dns.promises.Resolver]) {
    const proto = Resolver.prototype as unknown as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(proto)) {
      if (!/^(resolve|reverse)/.test(method)) continue;
      proto[method] = function refuseQuery(name: unknown, ...rest: unknown[]) {
        const error = lookupDenied(name);
        const callback = rest.at(-1);
        if (Resolver === dns.promises.Resolver) return Promise.reject(error);
        if (typeof callback === 'function') process.nextTick(() => callback(error));
        else throw error;
        return undefined;
      };
    }
  }
  // And no new resolver at all: its native handle would otherwise be a way around the methods.
  const noResolver = function Resolver() {
    throw refuse('resolver', 'a DNS resolver');
  };
  (dns as unknown as Record<string, unknown>).Resolver = noResolver;
  (dns.promises as unknown as Record<string, unknown>).Resolver = noResolver;
  for (const method of Object.keys(dns.promises)) {
    if (!/^(lookup|resolve|reverse)/.test(method)) continue;
    (dns.promises as unknown as Record<string, unknown>)[method] = async (name: unknown) => {
      throw lookupDenied(name);
    };
  }
  for (const name of ['WebSocket', 'EventSource']) {
    Reflect.deleteProperty(globalThis, name);
  }
}

function describeConnectArgs(args: unknown[]): string {
  const first = args[0];
  if (Array.isArray(first)) return describeConnectArgs(first);
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof o.path === 'string') return o.path;
    return `${String(o.host ?? 'localhost')}:${String(o.port ?? '')}`;
  }
  if (typeof first === 'string' && typeof args[1] !== 'string' && Number.isNaN(Number(first)))
    return first;
  return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${String(first)}`;
}
