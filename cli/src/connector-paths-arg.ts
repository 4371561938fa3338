/** The `[paths..]` positional of commands that work on connector folders (validate, test). */
export const CONNECTOR_PATHS_ARG = {
  type: 'string' as const,
  array: true as const,
  default: ['connectors'] as string[],
  describe: 'Connector folders, or folders holding them',
};
