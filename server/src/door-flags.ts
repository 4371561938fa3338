import { FEATURES, type FeatureEnv, isFeatureEnabled, QueueError } from '@jobforge/queue';

/**
 * Whether a door (`api` for `jobforge serve`, `mcp` for `jobforge mcp` and /mcp) may open. Starting
 * the command is the opt-in, so an unset JOBFORGE_API_ENABLED / JOBFORGE_MCP_ENABLED allows it; a
 * variable set to off (`0`, `false`, `off`, `no`) is an operator's kill switch and wins over the
 * command line. A value that is neither on nor off is refused (INVALID_FEATURE_FLAG).
 *
 * @example
 * if (!doorOpen('mcp')) log.info('/mcp not mounted: JOBFORGE_MCP_ENABLED is off');
 */
export function doorOpen(door: 'api' | 'mcp', env: FeatureEnv = process.env): boolean {
  return env[FEATURES[door]] === undefined || isFeatureEnabled(door, env);
}

/** Throws FEATURE_DISABLED, naming the variable, when the door is switched off. */
export function requireDoor(door: 'api' | 'mcp', env: FeatureEnv = process.env): void {
  if (doorOpen(door, env)) return;
  const variable = FEATURES[door];
  throw new QueueError(
    'FEATURE_DISABLED',
    `${variable} is off: ${door === 'api' ? 'jobforge serve' : 'jobforge mcp'} will not start`,
    {
      where: variable,
      hint: `unset ${variable} (starting the command is the opt-in) or set it to 1`,
    },
  );
}
