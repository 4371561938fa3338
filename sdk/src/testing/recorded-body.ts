import type { RecordedBody } from './recording-schema.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** True for `application/json`, `application/problem+json`, `text/json` and the like. */
export function isJsonType(contentType: string | undefined): boolean {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return essence.endsWith('/json') || essence.endsWith('+json');
}

/** True for an HTML form body, whose fields are redacted and matched by key. */
export function isFormType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** How a fixture keeps a body: JSON when it is JSON, text when it is UTF-8, else base64. */
export function encodeBody(
  bytes: Uint8Array,
  contentType: string | undefined,
): RecordedBody | undefined {
  if (bytes.byteLength === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') };
  }
  if (isJsonType(contentType)) {
    try {
      return { json: JSON.parse(text) };
    } catch {
      // A server that says JSON and sends something else: keep exactly what it sent.
    }
  }
  return { text };
}

/** The bytes a replayed message carries for a kept body. */
export function decodeBody(body: RecordedBody | undefined): Uint8Array | undefined {
  if (body === undefined) return undefined;
  if ('json' in body) return Buffer.from(JSON.stringify(body.json));
  if ('text' in body) return Buffer.from(body.text);
  return Buffer.from(body.base64, 'base64');
}
