import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { privateDirProblem } from '@jobforge/sdk';

/**
 * Every child's temporary folder is `<root>/child-<host pid>-<random>`: the host pid says whose it
 * is, so a host sweeps only the folders of hosts that are gone (several workers share one root).
 */
export const PRIVATE_TMP_PREFIX = 'child-';
const NAME = /^child-(\d+)-/;
/** The mount point the child sees as its temp folder when it has a mount namespace. */
const CHILD_TMP = '/tmp';

/**
 * Run by `/bin/sh` inside the child's new mount namespace, before node starts and before the runner
 * drops to the sandbox uid: `$1` the child's private folder, `$2` where the runner's folder sits
 * under /tmp ('' if elsewhere; `sandboxLaunch` made the mount point), then the node command line. The private folder is bound over /tmp
 * (recursively, with a read-only bind of the runner's folder inside it, so the runner keeps its
 * path), and /dev/shm becomes an empty tmpfs of its own. unshare -m makes every mount private: none
 * is seen outside, and all of them vanish with the child's last process. The shell's own PWD is
 * unset so the child's environment is exactly what the host gave it.
 */
const MOUNT_SCRIPT = `set -e
tmp=$1 rt=$2
shift 2
if [ -n "$rt" ]; then mount --bind -o ro "${CHILD_TMP}/$rt" "$tmp/$rt"; fi
mount --rbind "$tmp" ${CHILD_TMP}
if [ -d /dev/shm ]; then mount -t tmpfs -o size=1m,mode=1777 jobforge-shm /dev/shm; fi
unset PWD OLDPWD
exec "$@"`;

const live = new Set<string>();
let exitHook = false;

/**
 * The folder the host makes children's temporary folders in: `jobforge-sandbox-tmp-<uid>` under the
 * OS temp dir, owned by this user and writable by nobody else. Mode 0700, or 0711 when the host is
 * root: children with their own uid must traverse it to reach their folder when they have no mount
 * namespace (they cannot list it either way). A name squatted by someone else gets a fresh folder.
 */
export function privateTmpRoot(): string {
  const mode = process.getuid?.() === 0 ? 0o711 : 0o700;
  const dir = join(tmpdir(), `jobforge-sandbox-tmp-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode });
  const usable = privateDirProblem(dir) === undefined ? dir : mkdtempSync(`${dir}-`);
  chmodSync(usable, mode);
  return usable;
}

/**
 * Removes the folders of hosts that are gone (a host killed before it could clean up) and returns
 * how many. Folders of live hosts, this one included, are left alone.
 */
export function sweepStaleTmp(root: string): number {
  let swept = 0;
  for (const name of readdirSync(root)) {
    const pid = Number(NAME.exec(name)?.[1] ?? Number.NaN);
    if (Number.isNaN(pid) || pid === process.pid || processAlive(pid)) continue;
    removePrivateTmp(join(root, name));
    swept++;
  }
  return swept;
}

/**
 * A fresh, empty folder for one child: mode 0700, owned by the child's uid when it has one. It is
 * removed when the child is gone (`removePrivateTmp`), at the latest when this process exits.
 */
export function createPrivateTmp(root: string, ownerId: number | null): string {
  const path = mkdtempSync(join(root, `${PRIVATE_TMP_PREFIX}${process.pid}-`));
  chmodSync(path, 0o700);
  if (ownerId !== null) chownSync(path, ownerId, ownerId);
  live.add(path);
  if (!exitHook) {
    exitHook = true;
    // A host that exits without waiting for its children still leaves no folder behind.
    process.once('exit', () => {
      for (const dir of live) removePrivateTmp(dir);
    });
  }
  return path;
}

/**
 * Deletes a child's folder and all it holds. Symbolic links inside are removed, never followed, so
 * a link the child planted cannot point the removal outside the folder; the child is dead (its uid
 * is unique to it), so nothing swaps entries while this runs.
 */
export function removePrivateTmp(path: string): void {
  live.delete(path);
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Left for the next sweep (a folder of a dead host pid is removed when a pool starts).
  }
}

export interface SandboxLaunch {
  file: string;
  args: string[];
  /** The child's whole environment: its temp folder, as the child sees it, and nothing else. */
  env: Record<string, string>;
}

/**
 * How to start a child whose temp folder is `tmp`. With a mount namespace (`unshare -m`, beside the
 * network namespace) the child sees `tmp` as /tmp and the host's /tmp and /dev/shm are out of its
 * sight; otherwise TMPDIR points at `tmp` and the host's /tmp stays visible. With a mount namespace
 * it makes the runner's mount point in `tmp` (here, as the host: one process less per cold start).
 */
export function sandboxLaunch(
  nsArgs: string[] | null,
  mountNamespace: boolean,
  tmp: string,
  runnerPath: string,
  node: string[],
): SandboxLaunch {
  if (nsArgs === null) return { file: node[0]!, args: node.slice(1), env: tmpEnv(tmp) };
  if (!mountNamespace)
    return { file: 'unshare', args: [...nsArgs, '--', ...node], env: tmpEnv(tmp) };
  const under = relative(CHILD_TMP, dirname(runnerPath));
  const runnerUnderTmp = under !== '' && !under.startsWith('..') && !under.startsWith(sep);
  if (runnerUnderTmp) mkdirSync(join(tmp, under), { recursive: true, mode: 0o755 });
  return {
    file: 'unshare',
    args: [
      ...nsArgs,
      '-m',
      '--',
      '/bin/sh',
      '-c',
      MOUNT_SCRIPT,
      'jobforge-sandbox',
      tmp,
      runnerUnderTmp ? under : '',
      ...node,
    ],
    env: tmpEnv(CHILD_TMP),
  };
}

/**
 * True when `unshare <nsArgs> -m` can give a child its private /tmp here: tried once, the way a
 * child is started, with a throwaway folder. Kernels or containers that refuse mounts say no, and so
 * does a node binary under /tmp (the mount would hide it). Only for a root host: the runner's drop
 * to the sandbox uid is what takes the mount capability away again before connector code runs (in
 * a user namespace of a non-root host, the child would keep it).
 */
export function canMountPrivateTmp(nsArgs: string[]): boolean {
  const root = privateTmpRoot();
  const probe = createPrivateTmp(root, null);
  try {
    const launch = sandboxLaunch(nsArgs, true, probe, join(root, 'runner.js'), [
      process.execPath,
      '-e',
      `require('fs').readdirSync('${CHILD_TMP}')`,
    ]);
    const run = spawnSync(launch.file, launch.args, {
      stdio: 'ignore',
      timeout: 5000,
      env: launch.env,
    });
    return run.status === 0;
  } finally {
    removePrivateTmp(probe);
  }
}

function tmpEnv(dir: string): Record<string, string> {
  return { TMPDIR: dir, TMP: dir, TEMP: dir };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
