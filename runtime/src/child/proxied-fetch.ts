import { networkDenied } from './network-guard.js';

/** Sends one request to the host's egress proxy; resolves with its answer. */
export type EgressSend = (request: EgressRequest) => Promise<EgressAnswer>;

export interface EgressRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body: string | null;
}

export type EgressAnswer =
  | {
      ok: true;
      status: number;
      statusText: string;
      headers: [string, string][];
      body: string;
      url: string;
    }
  | { ok: false; code: string; message: string; target?: string };

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * The child's `fetch`: the request is serialised and handed to the host, which applies the policy,
 * resolves, connects and follows redirects; the answer comes back as bytes. Options the host does not
 * carry (a custom `dispatcher`, `agent`) are ignored, so they cannot open another way out.
 */
export function createProxiedFetch(send: EgressSend): typeof fetch {
  return async function proxiedFetch(resource: string | URL | Request, init?: RequestInit) {
    const request = new Request(resource, init);
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const bodyBytes =
      request.body === null ? null : Buffer.from(await request.arrayBuffer()).toString('base64');
    const answer = await abortable(
      send({
        url: request.url,
        method: request.method,
        headers: [...request.headers.entries()],
        body: bodyBytes,
      }),
      signal,
    );
    if (!answer.ok) {
      if (answer.code === 'NETWORK_DENIED')
        throw networkDenied(answer.target ?? request.url, answer.message);
      const error = new TypeError(`fetch failed: ${answer.message}`) as TypeError & {
        code: string;
      };
      error.code = answer.code;
      throw error;
    }
    const body = NO_BODY.has(answer.status) ? null : Buffer.from(answer.body, 'base64');
    const response = new Response(body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
    });
    Object.defineProperty(response, 'url', { value: answer.url });
    return response;
  } as typeof fetch;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
