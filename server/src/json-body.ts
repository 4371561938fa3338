import { JobForgeError } from '@jobforge/sdk';

/** Deepest nesting a request body may have: deeper JSON is refused before anything walks it. */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses a request body as JSON after checking its content type and nesting depth; each failure
 * is a coded error (415, 400) rather than an exception from deep inside a handler.
 */
export function parseJsonBody(contentType: string | undefined, text: string): unknown {
  if (!contentType || !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
    throw new JobForgeError(
      'UNSUPPORTED_MEDIA_TYPE',
      `the body must be application/json, got ${contentType ? `"${contentType.slice(0, 100)}"` : 'no Content-Type'}`,
      { hint: 'send Content-Type: application/json' },
    );
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new JobForgeError(
      'MALFORMED_JSON',
      `the body nests ${depth} levels deep; the limit is ${MAX_JSON_DEPTH}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new JobForgeError(
      'MALFORMED_JSON',
      `the body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** The deepest bracket nesting of a JSON text, skipping strings; cheap enough to run first. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i++;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (ch === 125 || ch === 93) depth--;
  }
  return max;
}
