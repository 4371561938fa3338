import { basename } from 'node:path';
// Each function from its own module: semver's index loads all 47 of its files into every validate.
import coerce from 'semver/functions/coerce.js';
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { type ConnectorCheck, isObject, type Rule } from './connector-check.js';
import type { Finding } from './diagnostic.js';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `$schema` must point at the metadata schema, so editors complete and check the file. */
export const schemaRefRule: Rule = ({ folder, meta }) => {
  const ref = meta.$schema;
  if (typeof ref === 'string' && /(^|\/)metadata\.schema\.json$/.test(ref)) return [];
  return [
    {
      code: 'SCHEMA_REF',
      message: `"$schema" is ${ref === undefined ? 'missing' : JSON.stringify(ref)}, expected the path or URL of metadata.schema.json; add "$schema": "../../registry/schema/metadata.schema.json" as the first property`,
      file: folder.file,
      pointer: ref === undefined ? '' : '/$schema',
    },
  ];
};

/** The folder is named after the connector, so ids are unique per tree and easy to find. */
export const folderNameRule: Rule = ({ folder, meta }) => {
  const id = meta.connector_id;
  const name = basename(folder.dir);
  if (typeof id !== 'string' || !ID.test(id) || id === name) return [];
  return [
    {
      code: 'ID_FOLDER_MISMATCH',
      message: `connector_id is "${id}" but the folder is named "${name}"; rename the folder to "${id}" or change connector_id to "${name}"`,
      file: folder.file,
      pointer: '/connector_id',
    },
  ];
};

export const versionRule: Rule = ({ folder, meta }) => {
  const version = meta.version;
  if (typeof version !== 'string' || valid(version) === version) return [];
  const fixed = valid(coerce(version));
  return [
    {
      code: 'VERSION_NOT_SEMVER',
      message: `version "${version}" is not valid semver, expected MAJOR.MINOR.PATCH such as "1.0.0"${fixed ? `; did you mean "${fixed}"?` : ''}`,
      file: folder.file,
      pointer: '/version',
    },
  ];
};

export const enginesRule: Rule = ({ folder, meta }) => {
  if (!isObject(meta.engines)) return [];
  const findings: Finding[] = [];
  for (const [name, range] of Object.entries(meta.engines)) {
    if (typeof range !== 'string' || validRange(range) !== null) continue;
    findings.push({
      code: 'ENGINE_RANGE_INVALID',
      message: `engines.${name} "${range}" is not a semver range, expected e.g. ">=20.19.0" or "^1.2.0"; fix the range`,
      file: folder.file,
      pointer: `/engines/${name}`,
    });
  }
  return findings;
};

/** Job types are unique and live under the connector's namespace ("<id>.<action>"). */
export const jobTypesRule: Rule = ({ folder, meta }: ConnectorCheck) => {
  const types = meta.supported_job_types;
  const id = meta.connector_id;
  if (!Array.isArray(types)) return [];
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  types.forEach((type, index) => {
    if (typeof type !== 'string') return;
    const first = seen.get(type);
    if (first !== undefined) {
      findings.push({
        code: 'JOB_TYPE_DUPLICATE',
        message: `job type "${type}" is listed twice (also at supported_job_types[${first}]); remove this one`,
        file: folder.file,
        pointer: `/supported_job_types/${index}`,
      });
    } else seen.set(type, index);
    if (typeof id === 'string' && ID.test(id) && !type.startsWith(`${id}.`)) {
      const action = type.includes('.') ? type.slice(type.lastIndexOf('.') + 1) : type;
      findings.push({
        code: 'JOB_TYPE_NAMESPACE',
        message: `job type "${type}" is not namespaced under the connector id, expected "${id}.<action>"; rename it to "${id}.${action}"`,
        file: folder.file,
        pointer: `/supported_job_types/${index}`,
      });
    }
  });
  return findings;
};

export const deprecatedRule: Rule = ({ folder, meta }) => {
  const deprecated = meta.deprecated;
  if (deprecated === undefined || deprecated === false) return [];
  const message = isObject(deprecated) ? deprecated.message : undefined;
  if (typeof message === 'string' && message.trim() !== '') return [];
  if (!isObject(deprecated) && deprecated !== true) return [];
  return [
    {
      code: 'DEPRECATED_WITHOUT_MESSAGE',
      message: `deprecated has no message, expected { "message": "why, and what to use instead", "replacement": "<connector id>" }; add a message so users know what to do`,
      file: folder.file,
      pointer: '/deprecated',
    },
  ];
};
