import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type ReadResult =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'not-a-file'; stats: Stats }
  | { ok: false; reason: 'too-large'; size: number }
  | { ok: false; reason: 'error'; code: string };

/**
 * Reads a small regular file synchronously, and never blocks on anything else: the file is opened
 * non-blocking and checked with fstat before a byte is read, so a FIFO, a device or a directory is
 * reported instead of hanging the run, and a file over `maxBytes` is never read.
 *
 * Validation reads thousands of small files; synchronous reads measured ~10x faster here than
 * promise-based reads through the libuv thread pool, which is most of `jobforge validate`'s time.
 */
export function readRegularFile(path: string, maxBytes: number): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, reason: 'error', code: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, reason: 'not-a-file', stats };
    if (stats.size > maxBytes) return { ok: false, reason: 'too-large', size: stats.size };
    const bytes = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < stats.size) {
      const n = readSync(fd, bytes, read, stats.size - read, read);
      if (n === 0) break; // the file shrank while we read it: keep what is there
      read += n;
    }
    return { ok: true, bytes: read === stats.size ? bytes : bytes.subarray(0, read) };
  } catch (error) {
    return { ok: false, reason: 'error', code: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    closeSync(fd);
  }
}
