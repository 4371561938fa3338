import { parseJson } from './parse-json.js';
import { readText } from './read-text.js';

/** A flag that takes inline JSON or `@file` (`@-` for standard input). */
export async function readJsonArg(value: string, flag: string): Promise<unknown> {
  if (value.startsWith('@')) {
    const path = value.slice(1);
    return parseJson(await readText(path, `${flag} file`), `${flag} file ${path}`, 'INVALID_INPUT');
  }
  return parseJson(value, flag, 'INVALID_INPUT');
}
