import { readFile } from 'node:fs/promises';
import { JobForgeError } from '@jobforge/sdk';

/** Reads a text file, or standard input for "-", turning I/O failures into FILE_UNREADABLE. */
export async function readText(path: string, what = 'file'): Promise<string> {
  try {
    if (path === '-') return await readStdin();
    return await readFile(path, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist'
        : `cannot be read (${(cause as Error).message})`;
    throw new JobForgeError('FILE_UNREADABLE', `${what} ${path} ${reason}`, { where: path, cause });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
