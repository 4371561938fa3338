import type { Argv } from 'yargs';
import type { GlobalArgs } from './global-args.js';

/** Options every queue command takes. */
export interface QueueArgs extends GlobalArgs {
  'database-url'?: string;
  'data-dir'?: string;
}

/** The tenant a local command acts for when none is given (JOBFORGE_TENANT overrides it). */
export const LOCAL_TENANT = '00000000-0000-4000-8000-000000000001';

export function withQueueOptions<T extends GlobalArgs>(y: Argv<T>): Argv<T & QueueArgs> {
  return y
    .option('database-url', {
      type: 'string',
      describe: 'PostgreSQL URL (default: $DATABASE_URL; without either, the embedded database)',
    })
    .option('data-dir', {
      type: 'string',
      describe: 'Folder of the embedded database (default .jobforge/queue)',
    }) as Argv<T & QueueArgs>;
}

/** Opens the queue the flags and environment name. Heavy modules load here, not at start-up. */
export async function openQueue(args: QueueArgs) {
  const { createQueueClient, openQueueDriver } = await import('@jobforge/queue');
  const databaseUrl = args['database-url'] ?? process.env.DATABASE_URL;
  const { driver, description } = await openQueueDriver({
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
  });
  return { driver, description, client: createQueueClient(driver) };
}

/** Runs a queue command, turning an unreachable database into a user-facing error. */
export async function withQueue<T>(
  args: QueueArgs,
  fn: (queue: Awaited<ReturnType<typeof openQueue>>) => Promise<T>,
): Promise<T> {
  const { isConnectionError, redactUrl, toQueueError } = await import('@jobforge/queue');
  const { JobForgeError } = await import('@jobforge/sdk');
  let queue: Awaited<ReturnType<typeof openQueue>> | undefined;
  try {
    queue = await openQueue(args);
    return await fn(queue);
  } catch (error) {
    if (isConnectionError(error)) {
      const url = args['database-url'] ?? process.env.DATABASE_URL ?? '';
      throw new JobForgeError(
        'DATABASE_UNREACHABLE',
        `cannot reach the database at ${redactUrl(url)}: ${(error as Error).message}`,
        { where: '--database-url / DATABASE_URL', hint: 'start the server or fix the URL' },
      );
    }
    // A wrong password, user or database name, or a role without the rights: a coded error.
    throw toQueueError(error, '--database-url / DATABASE_URL');
  } finally {
    await queue?.driver.close();
  }
}

/** The tenant for a command: --tenant, else $JOBFORGE_TENANT, else the local default. */
export function tenantFor(flag: string | undefined): string {
  return flag ?? process.env.JOBFORGE_TENANT ?? LOCAL_TENANT;
}
