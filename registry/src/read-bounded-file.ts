import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | {
      ok: false;
      reason: 'missing' | 'symlink' | 'not-a-file' | 'too-large' | 'error';
      detail: string;
    };

/**
 * Reads an untrusted file with its cost bounded: opened without following a final symlink and
 * without blocking (a FIFO cannot hang it), checked with fstat on the open descriptor (regular
 * files only, so `/dev/zero` or a device is refused), and read only up to `maxBytes` + 1 however
 * big `stat` said it was, so a file that grows while read cannot grow the reader.
 */
export async function readBoundedFile(path: string, maxBytes: number): Promise<BoundedRead> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return { ok: false, reason: 'missing', detail: 'it does not exist' };
    if (code === 'ELOOP')
      return { ok: false, reason: 'symlink', detail: 'it is a symbolic link, not a file' };
    return { ok: false, reason: 'error', detail: code };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      return { ok: false, reason: 'not-a-file', detail: 'it is not a regular file' };
    if (stats.size > maxBytes)
      return { ok: false, reason: 'too-large', detail: `${stats.size} bytes, over ${maxBytes}` };
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, stats.size + 1));
    let size = 0;
    while (size <= maxBytes) {
      if (size === buffer.length) {
        // The file grew after fstat: keep reading, never past the cap.
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, size);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
    }
    if (size > maxBytes)
      return { ok: false, reason: 'too-large', detail: `more than ${maxBytes} bytes` };
    return { ok: true, bytes: buffer.subarray(0, size) };
  } catch (error) {
    return { ok: false, reason: 'error', detail: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    await handle.close();
  }
}
