import type { Logger } from '@jobforge/queue';
import type { ApiKey } from './api-keys.js';

/** What middleware hands to handlers through Hono's context. */
export interface ServerEnv {
  Variables: {
    requestId: string;
    log: Logger;
    /** The authenticated key (routes that need one). */
    apiKey: ApiKey;
  };
}
