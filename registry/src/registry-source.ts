import { join, resolve } from 'node:path';
import { JobForgeError } from '@jobforge/sdk';
import { readBoundedFile } from './read-bounded-file.js';

export type SourceRead =
  | { status: 'ok'; bytes: Buffer; etag?: string }
  | { status: 'not-modified' }
  | { status: 'missing' };

/** Where a registry lives: a directory or an http(s) base URL. Reads one file at a time. */
export interface RegistrySource {
  /** The location as given, for messages. */
  readonly location: string;
  /** Human-readable address of one file of the registry. */
  describe(file: string): string;
  /** Reads a file (a path relative to the registry root), bounded in size and, over HTTP, in time. */
  read(file: string, options?: { etag?: string; maxBytes?: number }): Promise<SourceRead>;
}

export interface SourceOptions {
  /** Per request, headers and body together. Default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Opens a registry by location: `http://` or `https://` is fetched (ETag aware), anything else is a
 * directory. Every failure is a JobForgeError naming the file and what went wrong.
 */
export function openRegistrySource(location: string, options: SourceOptions = {}): RegistrySource {
  return /^https?:\/\//i.test(location)
    ? httpSource(location, options.timeoutMs ?? 10_000)
    : dirSource(location);
}

function dirSource(location: string): RegistrySource {
  const root = resolve(location);
  return {
    location,
    describe: (file) => join(location, file),
    async read(file, { maxBytes = DEFAULT_MAX_BYTES } = {}) {
      const path = join(root, file);
      // A registry's files are regular files: a symlink to /dev/zero or a FIFO is refused, not read.
      const read = await readBoundedFile(path, maxBytes);
      if (read.ok) return { status: 'ok', bytes: read.bytes };
      if (read.reason === 'missing') return { status: 'missing' };
      if (read.reason === 'too-large')
        throw new JobForgeError(
          'REGISTRY_TOO_LARGE',
          `${join(location, file)} is ${read.detail} bytes allowed`,
          { where: path },
        );
      throw new JobForgeError(
        read.reason === 'error' ? 'REGISTRY_UNREACHABLE' : 'REGISTRY_FILE_INVALID',
        `cannot read ${join(location, file)}: ${read.detail}`,
        { where: path, hint: 'a registry directory holds only regular files' },
      );
    },
  };
}

function httpSource(location: string, timeoutMs: number): RegistrySource {
  const base = location.endsWith('/') ? location : `${location}/`;
  return {
    location,
    describe: (file) => new URL(file, base).href,
    async read(file, { etag, maxBytes = DEFAULT_MAX_BYTES } = {}) {
      const url = new URL(file, base).href;
      // A timer the client holds (AbortSignal.timeout's can be collected with its signal, and then
      // a slow body is never cut off); it covers the headers and the whole body.
      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new DOMException('timed out', 'TimeoutError')),
        timeoutMs,
      );
      try {
        return await request(url, etag, maxBytes, controller.signal);
      } finally {
        clearTimeout(timer);
      }
    },
  };

  async function request(
    url: string,
    etag: string | undefined,
    maxBytes: number,
    signal: AbortSignal,
  ): Promise<SourceRead> {
    let response: Response;
    try {
      response = await fetch(url, {
        signal,
        redirect: 'error',
        headers: etag ? { 'if-none-match': etag } : {},
      });
    } catch (error) {
      throw networkError(url, error, timeoutMs);
    }
    if (response.status === 304 && !etag) {
      await response.body?.cancel();
      throw new JobForgeError(
        'REGISTRY_HTTP_ERROR',
        `GET ${url} answered 304 Not Modified to a request that had nothing cached`,
        { where: url, hint: 'the server or a proxy is misbehaving' },
      );
    }
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified' };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { status: 'missing' };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new JobForgeError(
        'REGISTRY_HTTP_ERROR',
        `GET ${url} answered HTTP ${response.status}`,
        { where: url, hint: 'check the registry URL, or try again when the server is healthy' },
      );
    }
    const bytes = await readBody(response, url, maxBytes, timeoutMs);
    const tag = response.headers.get('etag');
    return { status: 'ok', bytes, ...(tag ? { etag: tag } : {}) };
  }
}

async function readBody(
  response: Response,
  url: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url, declared, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(url, size, maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof JobForgeError) throw error;
    throw networkError(url, error, timeoutMs);
  }
  // With a content-encoding (gzip behind a CDN), fetch decodes the body and Content-Length counts
  // the encoded bytes, so only an unencoded body can be checked against it.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (!encoded && Number.isFinite(declared) && size !== declared)
    throw truncated(url, `received ${size} of the ${declared} bytes announced`);
  return Buffer.concat(chunks);
}

function networkError(url: string, error: unknown, timeoutMs: number): JobForgeError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new JobForgeError(
      'REGISTRY_TIMEOUT',
      `GET ${url} did not complete within ${timeoutMs} ms`,
      { where: url, hint: 'the server is slow or hanging; try again, or raise the timeout' },
    );
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  if (
    /terminated|UND_ERR_SOCKET|ECONNRESET|premature/i.test(`${reason} ${(error as Error)?.message}`)
  )
    return truncated(url, `the connection closed early (${reason})`);
  return new JobForgeError('REGISTRY_UNREACHABLE', `GET ${url} failed: ${reason}`, {
    where: url,
    hint: 'check the registry URL and that the server is running',
  });
}

function truncated(url: string, why: string): JobForgeError {
  return new JobForgeError('REGISTRY_TRUNCATED', `GET ${url} returned a truncated body: ${why}`, {
    where: url,
    hint: 'try again; if it persists the server or a proxy is cutting responses short',
  });
}

function tooLarge(where: string, size: number, max: number): JobForgeError {
  return new JobForgeError(
    'REGISTRY_TOO_LARGE',
    `${where} is ${size} bytes, over the ${max} byte limit`,
    {
      where,
    },
  );
}
