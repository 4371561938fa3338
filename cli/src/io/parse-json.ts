import { JobForgeError } from '@jobforge/sdk';

/** JSON.parse with an error that names the source and the position, not a stack trace. */
export function parseJson(text: string, source: string, code = 'INVALID_JSON'): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new JobForgeError(code, `${source} is not valid JSON: ${detail}`, {
      where: source,
      cause,
    });
  }
}
