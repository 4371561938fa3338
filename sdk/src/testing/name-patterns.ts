import { JobForgeError } from '../errors.js';

/**
 * A name to match: a string matches that name exactly, ignoring case; a RegExp, or a string
 * written `/source/flags` (as it must be in a JSON case file), is tested against the name.
 */
export type NamePattern = string | RegExp;

/** Names that carry credentials in most APIs; added to whatever a caller configures. */
const CREDENTIAL_NAME =
  /api[-_]?key|access[-_]?key|private[-_]?key|token|secret|passw(or)?d|signature|session[-_]?id|^(x-)?auth(orization)?$/i;

/** Headers always redacted, whatever the configuration says. */
export const ALWAYS_REDACTED_HEADERS: readonly NamePattern[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  CREDENTIAL_NAME,
];

/** Query keys and body keys always redacted. */
export const ALWAYS_REDACTED_KEYS: readonly NamePattern[] = [
  /^(key|sig|apikey)$/i,
  CREDENTIAL_NAME,
];

/** Compiles patterns into one predicate over names. */
export function nameMatcher(patterns: readonly NamePattern[]): (name: string) => boolean {
  const tests = patterns.map(compile);
  return (name) => tests.some((test) => test(name));
}

function compile(pattern: NamePattern): (name: string) => boolean {
  if (pattern instanceof RegExp) {
    // A global or sticky RegExp keeps state between test() calls; a fresh copy without it does not.
    const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
    return (name) => regexp.test(name);
  }
  const literal = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (literal) {
    try {
      return compile(new RegExp(literal[1] as string, literal[2]));
    } catch (cause) {
      throw new JobForgeError(
        'INVALID_PATTERN',
        `${pattern} is not a valid regular expression: ${(cause as Error).message}`,
        {
          where: pattern,
          hint: 'write a name, or /source/flags with a valid JavaScript RegExp',
          cause,
        },
      );
    }
  }
  const lower = pattern.toLowerCase();
  return (name) => name.toLowerCase() === lower;
}
