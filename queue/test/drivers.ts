import type { QueueDriver } from '../src/driver.js';
import { migrate } from '../src/migrate.js';
import { createPgliteDriver } from '../src/pglite-driver.js';
import { createTestDatabase } from './helpers.js';

/** The core suite runs once per driver: a real PostgreSQL server, and PGlite in this process. */
export const DRIVERS: { name: string; open: () => Promise<QueueDriver> }[] = [
  {
    name: 'postgresql',
    open: async () => (await createTestDatabase()).driver(),
  },
  {
    name: 'pglite',
    open: async () => {
      const driver = await createPgliteDriver();
      await migrate(driver);
      return driver;
    },
  },
];
