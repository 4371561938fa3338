import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { EgressAnswer, EgressRequest } from '../child/proxied-fetch.js';
import { classifyAddress } from './classify-address.js';
import { type AllowEntry, bare, hostAllowed } from './host-allowlist.js';

export interface EgressPolicy {
  allow: readonly AllowEntry[];
  /** IP literals (optionally `ip:port`) the host lets through although private; never names. */
  allowPrivateAddresses: readonly string[];
  maxResponseBytes: number;
  maxRedirects: number;
}

/**
 * A running byte budget shared by every request of one call: request and response bodies are
 * counted as they are sent and received, so a call cannot make the host hold more than it allows.
 */
export interface EgressBudget {
  readonly limit: number;
  /** Counts `bytes` against the budget; false when that goes past it. */
  take(bytes: number): boolean;
}

export function createEgressBudget(limit: number): EgressBudget {
  let used = 0;
  return {
    limit,
    take(bytes) {
      used += bytes;
      return used <= limit;
    },
  };
}

export interface EgressDenial {
  target: string;
  reason: string;
}

const DROP_HEADERS = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'transfer-encoding',
  'content-length',
  'te',
  'upgrade',
  'trailer',
]);

/**
 * The host side of a connector's fetch. Each hop (the first request and every redirect) is checked
 * against the connector's allow-list, then the name is resolved and every address checked against
 * the forbidden ranges, and the socket connects to the vetted address itself, so a second DNS answer
 * cannot move it. IP literals arrive already normalised by the URL parser (`2130706433` is
 * `127.0.0.1`), and an exemption in `allowPrivateAddresses` applies only to a literal, never to a
 * name that resolves there.
 */
export async function egressFetch(
  request: EgressRequest,
  policy: EgressPolicy,
  signal: AbortSignal,
  onDenial: (denial: EgressDenial) => void,
  budget: EgressBudget = createEgressBudget(Number.POSITIVE_INFINITY),
): Promise<EgressAnswer> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, code: 'INVALID_URL', message: 'the request URL is not valid' };
  }
  let method = request.method.toUpperCase();
  let body = request.body === null ? null : Buffer.from(request.body, 'base64');
  const headers = request.headers.filter(([name]) => !DROP_HEADERS.has(name.toLowerCase()));
  for (let hop = 0; ; hop++) {
    const vetted = await vet(url, policy);
    if (!vetted.ok) {
      const target = url.host || url.href.slice(0, 200);
      onDenial({ target, reason: vetted.reason });
      return {
        ok: false,
        code: 'NETWORK_DENIED',
        target,
        message: `network access to ${target} denied: ${vetted.reason}`,
      };
    }
    const overBudget = () => {
      const target = url.host;
      const reason = `the call's requests and responses passed its egress budget of ${budget.limit} bytes`;
      onDenial({ target, reason });
      return {
        ok: false as const,
        code: 'RESPONSE_TOO_LARGE',
        target,
        message: `${target}: ${reason}`,
      };
    };
    if (body && !budget.take(body.length)) return overBudget();
    let response: Awaited<ReturnType<typeof send>>;
    try {
      response = await send(
        url,
        vetted.address,
        method,
        headers,
        body,
        policy.maxResponseBytes,
        signal,
        budget,
      );
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'NETWORK_ERROR';
      if (code === 'EGRESS_BUDGET') return overBudget();
      return {
        ok: false,
        code: code === 'RESPONSE_TOO_LARGE' ? code : 'NETWORK_ERROR',
        message: `${url.host}: ${(error as Error).message}`,
      };
    }
    const location = response.headers.find(([name]) => name === 'location')?.[1];
    if (response.status >= 300 && response.status < 400 && location && hop < policy.maxRedirects) {
      const next = new URL(location, url);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = null;
      }
      if (next.origin !== url.origin) {
        // Credentials meant for one origin never follow a redirect to another.
        for (let i = headers.length - 1; i >= 0; i--)
          if (/^(authorization|cookie)$/i.test(headers[i]![0])) headers.splice(i, 1);
      }
      url = next;
      continue;
    }
    return {
      ok: true,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: response.body.toString('base64'),
      url: url.href,
    };
  }
}

async function vet(
  url: URL,
  policy: EgressPolicy,
): Promise<{ ok: true; address: string } | { ok: false; reason: string }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: `the scheme ${url.protocol} is not allowed (http and https only)` };
  if (url.username || url.password)
    return { ok: false, reason: 'credentials in the URL are not allowed' };
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (!hostAllowed(policy.allow, url.hostname, port))
    return { ok: false, reason: `${url.hostname} is not in the connector's permissions.network` };
  const host = bare(url.hostname);
  if (isIP(host)) {
    const range = classifyAddress(host);
    if (range && !exempt(policy, host, port))
      return { ok: false, reason: `${host} is a ${range} address` };
    return { ok: true, address: host };
  }
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (error) {
    return {
      ok: false,
      reason: `${host} does not resolve (${(error as { code?: string }).code ?? 'error'})`,
    };
  }
  for (const { address } of addresses) {
    const range = classifyAddress(address);
    if (range) return { ok: false, reason: `${host} resolves to ${address}, a ${range} address` };
  }
  if (addresses.length === 0) return { ok: false, reason: `${host} does not resolve` };
  return { ok: true, address: addresses[0]!.address };
}

function exempt(policy: EgressPolicy, ip: string, port: number): boolean {
  const spelled = isIP(ip) === 6 ? `[${ip}]` : ip;
  return policy.allowPrivateAddresses.some(
    (entry) => entry === ip || entry === spelled || entry === `${spelled}:${port}`,
  );
}

function send(
  url: URL,
  address: string,
  method: string,
  headers: [string, string][],
  body: Buffer | null,
  maxBytes: number,
  signal: AbortSignal,
  budget: EgressBudget,
): Promise<{ status: number; statusText: string; headers: [string, string][]; body: Buffer }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const hostname = bare(url.hostname);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        headers: { ...Object.fromEntries(headers), host: url.host },
        agent: false,
        signal,
        ...(isIP(hostname) ? {} : { servername: hostname }),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (!budget.take(chunk.length)) {
            res.destroy(Object.assign(new Error('egress budget'), { code: 'EGRESS_BUDGET' }));
            return;
          }
          if (size > maxBytes) {
            res.destroy(
              Object.assign(new Error(`the response is larger than ${maxBytes} bytes`), {
                code: 'RESPONSE_TOO_LARGE',
              }),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const out: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2)
            out.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
          resolve({
            status: res.statusCode ?? 502,
            statusText: res.statusMessage ?? '',
            headers: out,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
