import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { QueueError } from './queue-error.js';

/**
 * Claims an embedded database folder for this process. PGlite keeps the database in memory and
 * writes it back on close, so a second process on the same folder would silently erase the first
 * one's writes (an acknowledged job lost). The lock file holds the owner's pid; a lock whose
 * process is gone is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, '.jobforge-lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new QueueError(
          'QUEUE_DATA_DIR_IN_USE',
          `the embedded queue database ${dataDir} is in use by process ${owner}`,
          {
            where: dataDir,
            hint: 'stop that process first, or set DATABASE_URL to share a PostgreSQL server between processes',
          },
        );
      }
      // The owner is gone: take the lock over.
      rmSync(path, { force: true });
    }
  }
  throw new QueueError('QUEUE_DATA_DIR_IN_USE', `could not lock ${dataDir}`, { where: dataDir });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
