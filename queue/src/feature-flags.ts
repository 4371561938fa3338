import { QueueError } from './queue-error.js';

/**
 * The execution-plane features and the environment variable that turns each on. Every feature is
 * off by default in a deployment; with all of them off, jobs and client calls behave exactly as
 * they did before the features existed. This record is the one place flags are named: the CLI,
 * the server and `jobforge doctor` read it.
 */
export const FEATURES = {
  events: 'JOBFORGE_EVENTS_ENABLED',
  triggers: 'JOBFORGE_TRIGGERS_ENABLED',
  runs: 'JOBFORGE_RUNS_ENABLED',
  templates: 'JOBFORGE_TEMPLATES_ENABLED',
  policy: 'JOBFORGE_POLICY_ENABLED',
  audit: 'JOBFORGE_AUDIT_ENABLED',
  api: 'JOBFORGE_API_ENABLED',
  mcp: 'JOBFORGE_MCP_ENABLED',
} as const;

export type FeatureName = keyof typeof FEATURES;

export type FeatureEnv = Readonly<Record<string, string | undefined>>;

const ON = new Set(['1', 'true', 'on', 'yes']);
const OFF = new Set(['', '0', 'false', 'off', 'no']);

/**
 * True when the feature's variable says on (`1`, `true`, `on`, `yes`, any case). An unset
 * variable is off; a value that is neither on nor off is refused, so a typo never silently
 * disables (or enables) a feature.
 *
 * @example
 * if (isFeatureEnabled('triggers')) startScheduler();
 */
export function isFeatureEnabled(name: FeatureName, env: FeatureEnv = process.env): boolean {
  const variable = FEATURES[name];
  const raw = env[variable];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (ON.has(value)) return true;
  if (OFF.has(value)) return false;
  throw new QueueError(
    'INVALID_FEATURE_FLAG',
    `${variable}=${JSON.stringify(raw)} is not on or off`,
    {
      where: variable,
      hint: `set ${variable}=1 to turn the feature on, or unset it (or 0) to leave it off`,
    },
  );
}

/**
 * Throws `FEATURE_DISABLED`, naming the variable, unless the feature is on.
 *
 * @example
 * requireFeature('events'); // before any call into the events tables
 */
export function requireFeature(name: FeatureName, env: FeatureEnv = process.env): void {
  if (isFeatureEnabled(name, env)) return;
  const variable = FEATURES[name];
  throw new QueueError('FEATURE_DISABLED', `the ${name} feature is off in this deployment`, {
    where: variable,
    hint: `set ${variable}=1 in the environment of every process that uses it`,
  });
}

export interface FeatureState {
  name: FeatureName;
  variable: string;
  enabled: boolean;
  /** Set when the variable holds a value that is neither on nor off. */
  error?: string;
}

/** Every feature with its variable and state, in a stable order (for `jobforge doctor`). */
export function listFeatures(env: FeatureEnv = process.env): FeatureState[] {
  return (Object.keys(FEATURES) as FeatureName[]).map((name) => {
    try {
      return { name, variable: FEATURES[name], enabled: isFeatureEnabled(name, env) };
    } catch (error) {
      return {
        name,
        variable: FEATURES[name],
        enabled: false,
        error: (error as Error).message,
      };
    }
  });
}
