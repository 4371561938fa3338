import { JobForgeError } from '../errors.js';
import { describeExchange } from './describe-exchange.js';
import type { RequestDifference } from './diff-request.js';
import type { RecordedExchange, RecordedRequest } from './recording-schema.js';

/**
 * The error for a request no unused exchange matches: the nearest recorded request (fewest
 * differences, a different method or path counting as many) and each difference, or, when the
 * only match was used already, that the connector made more requests than were recorded.
 */
export function unmatchedError(
  number: number,
  actual: RecordedRequest,
  exchanges: readonly RecordedExchange[],
  diffs: RequestDifference[][],
  used: Set<number>,
  text: { who: string; where: (n: number) => string; hint: string },
): JobForgeError {
  const request = `request #${number} (${actual.method} ${actual.url})`;
  if (exchanges.length === 0) {
    return new JobForgeError(
      'REPLAY_UNMATCHED',
      `${text.who}${request} has no recorded exchange: the recording is empty`,
      { where: text.where(1), hint: text.hint },
    );
  }
  // Nearest: fewest differences, a different method or path counting as many.
  const cost = (diff: RequestDifference[]) =>
    diff.reduce((sum, d) => sum + (d.field === 'method' || d.field === 'url.path' ? 10 : 1), 0);
  let nearest = 0;
  diffs.forEach((diff, i) => {
    if (cost(diff) < cost(diffs[nearest] as RequestDifference[])) nearest = i;
  });
  const nearestDiff = diffs[nearest] as RequestDifference[];
  const recorded = describeExchange(nearest + 1, (exchanges[nearest] as RecordedExchange).request);
  if (nearestDiff.length === 0 && used.has(nearest)) {
    return new JobForgeError(
      'REPLAY_UNMATCHED',
      `${text.who}${request} matches only ${recorded}, which an earlier request already used: the connector made more requests than were recorded`,
      { where: text.where(nearest + 1), hint: text.hint },
    );
  }
  const lines = nearestDiff.map(
    (d) => `    ${d.field}:\n      - recorded ${d.recorded}\n      + request  ${d.actual}`,
  );
  return new JobForgeError(
    'REPLAY_UNMATCHED',
    `${text.who}${request} matches no recorded exchange; the nearest is ${recorded}, which differs in:\n${lines.join('\n')}`,
    {
      where: text.where(nearest + 1),
      hint: `if the connector changed on purpose, ${text.hint}; if a field changes on every run, ignore it in the case's match options (ignoreHeaders, ignoreQuery, ignoreBodyPaths)`,
    },
  );
}
