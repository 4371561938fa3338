import { type FileHandle, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sha256Hex } from '@jobforge/sdk';

/**
 * Where a run's artifact bytes live. Content-addressed: `put` returns the bytes' sha256 and `get`
 * finds them by it; a store never changes bytes once written. `jobId` scopes a lookup where the
 * backing store is per tenant (the database), so another tenant's digest finds nothing.
 */
export interface ArtifactStore {
  /** What the manifest records as `storage`: `db`, `fs`, `s3`. */
  readonly kind: string;
  put(jobId: string, bytes: Uint8Array): Promise<string>;
  get(jobId: string, sha256: string): Promise<Buffer | null>;
  /** Removes bytes no manifest names any more (retention); absent bytes are not an error. */
  remove?(sha256: string): Promise<void>;
  /** Where a file-backed store keeps the bytes of a digest, so a reader can stream them. */
  pathOf?(sha256: string): string | null;
  /** Writes bytes as they arrive (a connector's large artifact), filed under `sha256` at commit. */
  open?(jobId: string): StreamingPut;
}

/** One streamed write: chunks in order, then `commit` with their sha256, or `abort`. */
export interface StreamingPut {
  write(chunk: Uint8Array): Promise<void>;
  commit(sha256: string): Promise<void>;
  abort(): void;
}

/** The default folder of the filesystem store, relative to the working directory. */
export const DEFAULT_ARTIFACTS_DIR = '.jobforge/artifacts';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A content-addressed folder: `<dir>/sha256/<2 hex>/<62 hex>`, written to a temporary name and
 * renamed, so a reader never sees half a file and two writers of the same bytes agree.
 *
 * @example
 * const store = createFsArtifactStore('.jobforge/artifacts');
 * const sha = await store.put('42', Buffer.from('hi'));
 */
export function createFsArtifactStore(dir: string = DEFAULT_ARTIFACTS_DIR): ArtifactStore {
  const root = resolve(dir);
  const pathOf = (sha256: string) => join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2));
  const tempOf = (path: string) =>
    `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  return {
    kind: 'fs',
    async put(_jobId, bytes) {
      const sha256 = sha256Hex(bytes);
      const path = pathOf(sha256);
      await mkdir(dirname(path), { recursive: true });
      const temp = tempOf(path);
      await writeFile(temp, bytes, { mode: 0o600 });
      await rename(temp, path);
      return sha256;
    },
    async get(_jobId, sha256) {
      if (!SHA256.test(sha256)) return null;
      try {
        return await readFile(pathOf(sha256));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(sha256) {
      if (SHA256.test(sha256)) await rm(pathOf(sha256), { force: true });
    },
    open() {
      const temp = tempOf(join(root, 'incoming'));
      let handle: Promise<FileHandle> | undefined;
      const file = () => {
        handle ??= mkdir(root, { recursive: true }).then(() => open(temp, 'wx', 0o600));
        return handle;
      };
      return {
        async write(chunk) {
          await (await file()).write(chunk);
        },
        async commit(sha256) {
          await (await file()).close();
          const path = pathOf(sha256);
          await mkdir(dirname(path), { recursive: true });
          await rename(temp, path);
        },
        abort() {
          void file()
            .then((h) => h.close())
            .catch(() => {})
            .finally(() => rm(temp, { force: true }));
        },
      };
    },
    pathOf: (sha256) => (SHA256.test(sha256) ? pathOf(sha256) : null),
  };
}

/** What the database store needs: the queue's runs client satisfies it. */
export interface BlobSink {
  putRunBlob(jobId: string, bytes: Uint8Array): Promise<string>;
  getRunBlob(jobId: string, sha256: string): Promise<Buffer | null>;
}

/** Small items in the queue's database (jobforge_run_blobs), per tenant. */
export function createDbArtifactStore(sink: BlobSink): ArtifactStore {
  return {
    kind: 'db',
    put: (jobId, bytes) => sink.putRunBlob(jobId, bytes),
    get: (jobId, sha256) => sink.getRunBlob(jobId, sha256),
  };
}
