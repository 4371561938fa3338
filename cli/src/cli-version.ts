import { readFileSync } from 'node:fs';

/**
 * The CLI's own version, from its package.json. Read relative to this module, which sits one folder
 * below the package in each way the CLI runs: src/ (the workspace), dist/ (tsc) and bundle/ (the
 * installed bin, where every module shares one folder), so no other module reads it by path.
 */
export const CLI_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
