import { JobForgeError } from '@jobforge/sdk';

/**
 * The ISO time of a SOURCE_DATE_EPOCH value (whole seconds, the reproducible-builds convention),
 * or undefined when it is unset: then no time is recorded at all.
 */
export function epochToIso(epoch: string | undefined): string | undefined {
  if (epoch === undefined || epoch === '') return undefined;
  if (!/^\d+$/.test(epoch))
    throw new JobForgeError(
      'INVALID_SOURCE_DATE_EPOCH',
      `SOURCE_DATE_EPOCH must be whole seconds, got ${JSON.stringify(epoch)}`,
      {
        where: 'SOURCE_DATE_EPOCH',
        hint: 'set it to e.g. $(git log -1 --format=%ct), or unset it',
      },
    );
  return new Date(Number(epoch) * 1000).toISOString().replace('.000Z', 'Z');
}
