import { JobForgeError } from '@jobforge/sdk';

export const AUTH_CHOICES = ['none', 'api_key', 'oauth2', 'basic'] as const;
export type AuthChoice = (typeof AUTH_CHOICES)[number];

export interface ScaffoldAnswers {
  id: string;
  /** Folder the connector folder is created in. Default "connectors". */
  parent?: string;
  name?: string;
  description?: string;
  auth?: AuthChoice;
  /** Actions or full job types; "sync" becomes "<id>.sync". Default ["<id>.run"]. */
  jobTypes?: string[];
  maintainer?: string;
}

export type CheckedAnswers = Required<ScaffoldAnswers>;

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ACTION = /^[a-z][a-z0-9_-]*$/;

/** Checks and completes scaffold answers; every refusal names the rule that was broken. */
export function checkScaffoldAnswers(answers: ScaffoldAnswers): CheckedAnswers {
  const { id } = answers;
  if (!ID.test(id) || id.length > 64)
    throw new JobForgeError('INVALID_ID', `"${id}" is not a valid connector id`, {
      where: '<id>',
      hint: 'an id is lower-case letters, digits and single hyphens, starts with a letter and has at most 64 characters, e.g. "acme-crm"',
    });
  const auth = answers.auth ?? 'none';
  if (!AUTH_CHOICES.includes(auth))
    throw new JobForgeError(
      'INVALID_FLAG',
      `--auth must be one of ${AUTH_CHOICES.join(', ')}, got ${auth}`,
      {
        where: '--auth',
      },
    );
  const jobTypes = (answers.jobTypes?.length ? answers.jobTypes : ['run']).map((type) => {
    const action = type.startsWith(`${id}.`) ? type.slice(id.length + 1) : type;
    if (!ACTION.test(action))
      throw new JobForgeError('INVALID_JOB_TYPE', `job type "${type}" is not valid`, {
        where: '--job-type',
        hint: `give an action in lower case (letters, digits, "_" and "-"), e.g. "sync"; it becomes "${id}.sync"`,
      });
    return `${id}.${action}`;
  });
  if (new Set(jobTypes).size !== jobTypes.length)
    throw new JobForgeError('INVALID_JOB_TYPE', `job types repeat: ${jobTypes.join(', ')}`, {
      where: '--job-type',
      hint: 'list each job type once',
    });
  const name = answers.name?.trim() || titleCase(id);
  const description = answers.description?.trim() || `${name}: a JobForge connector.`;
  // The limits of metadata.schema.json, so that what create writes always validates.
  if (name.length > 100)
    throw new JobForgeError('INVALID_FLAG', `--name is ${name.length} characters; at most 100`, {
      where: '--name',
      hint: 'shorten the name; put detail in --description',
    });
  if (description.length > 2000)
    throw new JobForgeError(
      'INVALID_FLAG',
      `--description is ${description.length} characters; at most 2000`,
      { where: '--description', hint: 'shorten the description; the README has room for more' },
    );
  return {
    id,
    parent: answers.parent ?? 'connectors',
    name,
    description,
    auth,
    jobTypes,
    maintainer: answers.maintainer?.trim() || `${name} maintainers`,
  };
}

function titleCase(id: string): string {
  return id
    .split('-')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}
