import { spawnSync } from 'node:child_process';
import { canMountPrivateTmp } from './sandbox/private-tmp.js';

/** How children are isolated on this host, found once by trying. */
export interface Isolation {
  /** `namespace`: a network namespace with no route; `guard`: only the in-child guard. */
  network: 'namespace' | 'guard';
  /** Children get their own uid/gid from this range when the host runs as root; null otherwise. */
  uidBase: number | null;
  /**
   * `mount-namespace`: the child's private folder is its /tmp and it has its own /dev/shm, in a
   * mount namespace (root hosts with network namespaces); `private-dir`: TMPDIR names the folder,
   * the host's /tmp stays visible. Both: the folder is removed when the child is gone.
   */
  tmp: 'mount-namespace' | 'private-dir';
  /** `rss-watchdog`: the host polls each busy child's resident memory. */
  memory: 'rss-watchdog';
  /** The permission-model flag of this Node version. */
  permissionFlag: '--permission' | '--experimental-permission';
}

/** Sandbox uids start here: far above any account, one per child so children cannot signal each other. */
export const DEFAULT_UID_BASE = 1_950_000_000;
/**
 * Slots are drawn at random from this many, so two host processes on one machine (several workers)
 * are unlikely to hand the same uid to children of different tenants at the same time.
 */
export const UID_RANGE = 1_000_000;

/** `unshare` arguments for a non-root host: a user namespace mapping this user to itself, and a network namespace. */
export const USERNS_ARGS = ['-c', '-n'];

let probed: Map<string, Isolation> | undefined;

/**
 * Probes the host: root → dedicated uids; `unshare -n` works → a network namespace per child; not
 * root but unprivileged user namespaces allowed → a network namespace under the host's uid.
 * `mode` forces the guard (tests use it to cover both paths on one machine).
 */
export function detectIsolation(
  mode: 'auto' | 'guard' = 'auto',
  uidBase = DEFAULT_UID_BASE,
): Isolation {
  probed ??= new Map();
  const key = `${mode}:${uidBase}`;
  const known = probed.get(key);
  if (known) return known;
  const major = Number(process.versions.node.split('.')[0]);
  const root = process.platform === 'linux' && process.getuid?.() === 0;
  let network: Isolation['network'] = 'guard';
  if (mode === 'auto' && process.platform === 'linux' && !root) {
    // Without root, an unprivileged user namespace (mapping this user to itself) can still own an
    // empty network namespace; the uid stays the host's.
    const probe = spawnSync('unshare', [...USERNS_ARGS, '--', process.execPath, '-e', '0'], {
      stdio: 'ignore',
      timeout: 5000,
      env: {},
    });
    if (probe.status === 0) network = 'namespace';
  }
  if (mode === 'auto' && root) {
    const probe = spawnSync('unshare', ['-n', '--', process.execPath, '-e', '0'], {
      stdio: 'ignore',
      timeout: 5000,
      env: {},
    });
    if (probe.status === 0) network = 'namespace';
  }
  const isolation: Isolation = {
    network,
    tmp:
      root && network === 'namespace' && canMountPrivateTmp(['-n'])
        ? 'mount-namespace'
        : 'private-dir',
    uidBase: root ? uidBase : null,
    memory: 'rss-watchdog',
    permissionFlag: major >= 22 ? '--permission' : '--experimental-permission',
  };
  probed.set(key, isolation);
  return isolation;
}
