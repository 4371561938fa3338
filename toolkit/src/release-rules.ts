// Each function from its own module: semver's index loads all 47 of its files into every validate.
import gt from 'semver/functions/gt.js';
import inc from 'semver/functions/inc.js';
import semverMajor from 'semver/functions/major.js';
import rcompare from 'semver/functions/rcompare.js';
import valid from 'semver/functions/valid.js';
import { type ConnectorCheck, isObject } from './connector-check.js';
import type { Finding } from './diagnostic.js';
import type { PublishedIndex, PublishedVersion } from './published-index.js';

/**
 * Rules against what is already published: versions only move forward, a new major documents its
 * breaking change, and a breaking change (a removed job type, a removed or newly required input
 * field) needs a new major.
 */
export function releaseFindings(
  { folder, meta }: ConnectorCheck,
  index: PublishedIndex,
): Finding[] {
  const id = meta.connector_id;
  const version = meta.version;
  if (typeof id !== 'string' || typeof version !== 'string' || !valid(version)) return [];
  const published = (index.get(id) ?? []).filter((v) => valid(v.version));
  if (published.length === 0) return [];
  const latest = published.reduce((a, b) => (gt(b.version, a.version) ? b : a));
  const file = folder.file;
  if (!gt(version, latest.version)) {
    const list = published
      .map((v) => v.version)
      .sort(rcompare)
      .slice(0, 5)
      .join(', ');
    return [
      {
        code: 'RELEASE_VERSION_NOT_GREATER',
        message: `version ${version} is not greater than the published ${latest.version} (published: ${list}); bump it to ${inc(latest.version, 'patch')} or higher`,
        file,
        pointer: '/version',
      },
    ];
  }
  const major = semverMajor(version);
  if (major > semverMajor(latest.version)) {
    const key = `${major}.0.0`;
    const entry = isObject(meta.breaking_changes) ? meta.breaking_changes[key] : undefined;
    const ok =
      isObject(entry) &&
      typeof entry.message === 'string' &&
      entry.message.trim() !== '' &&
      typeof entry.upgrade_by === 'string';
    if (ok) return [];
    return [
      {
        code: 'RELEASE_MAJOR_UNDOCUMENTED',
        message: `version ${version} is a new major over the published ${latest.version} but breaking_changes["${key}"] ${entry === undefined ? 'is missing' : 'lacks a message or an upgrade_by date'}; add "breaking_changes": { "${key}": { "message": "what broke and how to upgrade", "upgrade_by": "YYYY-MM-DD" } }`,
        file,
        pointer:
          entry === undefined
            ? isObject(meta.breaking_changes)
              ? '/breaking_changes'
              : '/version'
            : `/breaking_changes/${key}`,
      },
    ];
  }
  return breakingChanges(meta, latest).map(({ change, pointer }) => ({
    code: 'RELEASE_BREAKING_WITHOUT_MAJOR',
    message: `${change} since the published ${latest.version}, which breaks existing callers, but version ${version} keeps major ${major}; release it as ${major + 1}.0.0 with a breaking_changes["${major + 1}.0.0"] entry, or undo the change`,
    file,
    pointer,
  }));
}

function breakingChanges(
  meta: Record<string, unknown>,
  latest: PublishedVersion,
): { change: string; pointer: string }[] {
  const changes: { change: string; pointer: string }[] = [];
  const types = Array.isArray(meta.supported_job_types) ? meta.supported_job_types : [];
  for (const type of latest.supported_job_types)
    if (!types.includes(type))
      changes.push({ change: `job type "${type}" was removed`, pointer: '/supported_job_types' });
  const before = latest.input_schema;
  const now = isObject(meta.input_schema) ? meta.input_schema : undefined;
  if (!before || !now) return changes;
  const props = (s: Record<string, unknown>) =>
    isObject(s.properties) ? Object.keys(s.properties) : [];
  const required = (s: Record<string, unknown>) =>
    Array.isArray(s.required) ? (s.required as string[]) : [];
  const nowProps = props(now);
  for (const name of props(before))
    if (!nowProps.includes(name))
      changes.push({
        change: `input field "${name}" was removed`,
        pointer: '/input_schema/properties',
      });
  const wasRequired = required(before);
  for (const name of required(now))
    if (!wasRequired.includes(name))
      changes.push({
        change: `input field "${name}" is newly required`,
        pointer: '/input_schema/required',
      });
  return changes;
}
