import semver from 'semver';
import { closest } from './closest.js';
import type { IndexConnector, IndexVersion, RegistryIndex } from './index-format.js';

/** What a host offers; a version that needs more is not chosen. Unset fields filter nothing. */
export interface HostOffer {
  /** The host's Node version. Default: this process's. */
  node?: string;
  /** The host's JobForge version, checked against engines.jobforge. */
  jobforge?: string;
  /** What the host's policy allows; a version needing anything else is refused. */
  permissions?: { network?: readonly string[]; secrets?: readonly string[] };
}

export interface ResolveOptions extends HostOffer {
  /** Consider prerelease versions (1.0.0-beta.1) too. Default false. */
  prerelease?: boolean;
}

export type Resolution =
  | { ok: true; connector: IndexConnector; version: IndexVersion; warnings: string[] }
  | {
      ok: false;
      code: 'CONNECTOR_UNKNOWN' | 'NO_MATCHING_VERSION' | 'INVALID_SPEC';
      message: string;
    };

/** Splits `id@range` (`id` alone means any version). */
export function parseSpec(spec: string): { id: string; range: string } | undefined {
  if (spec.length > 300) return undefined;
  const at = spec.indexOf('@');
  const id = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? '*' : spec.slice(at + 1) || '*';
  if (!/^[a-z][a-z0-9-]*$/.test(id) || semver.validRange(range) === null) return undefined;
  return { id, range };
}

/**
 * Picks the newest version of `id@range` the host can use: by semver, never a yanked one,
 * prereleases only when asked, and only versions whose engines and permissions the host offers.
 * Every refusal says why, version by version.
 *
 * @example
 * const picked = resolveVersion(index, 'echo@^1', { permissions: { network: [] } });
 * if (!picked.ok) throw new Error(picked.message);
 */
export function resolveVersion(
  index: RegistryIndex,
  spec: string,
  options: ResolveOptions = {},
): Resolution {
  const parsed = parseSpec(spec);
  if (!parsed)
    return {
      ok: false,
      code: 'INVALID_SPEC',
      message: `${JSON.stringify(spec)} is not <id>@<semver range>, e.g. echo@^1.2`,
    };
  const { id, range } = parsed;
  const connector = index.connectors.find((c) => c.id === id);
  if (!connector) {
    const near = closest(
      id,
      index.connectors.map((c) => c.id),
    );
    return {
      ok: false,
      code: 'CONNECTOR_UNKNOWN',
      message: `no connector ${id} in the registry${near ? ` (did you mean ${near}?)` : ''}`,
    };
  }
  const includePrerelease = options.prerelease === true;
  const matching = connector.versions.filter((v) =>
    semver.satisfies(v.version, range, { includePrerelease }),
  );
  if (matching.length === 0) {
    const have = connector.versions.filter((v) => !v.yanked).map((v) => v.version);
    return {
      ok: false,
      code: 'NO_MATCHING_VERSION',
      message: `no version of ${id} satisfies ${range} (have ${have.slice(0, 10).join(', ') || 'none'}${have.length > 10 ? ', …' : ''})`,
    };
  }
  const refusals: string[] = [];
  for (const version of matching) {
    const why = refusal(version, options);
    if (why) {
      refusals.push(`${version.version} ${why}`);
      continue;
    }
    const warnings: string[] = [];
    const deprecated = version.deprecated;
    if (deprecated !== false || version.status === 'deprecated') {
      const details = typeof deprecated === 'object' ? deprecated : {};
      const message = printable(details.message);
      const replacement = printable(details.replacement);
      warnings.push(
        `${id}@${version.version} is deprecated${message ? `: ${message}` : ''}${replacement ? ` (use ${replacement} instead)` : ''}`,
      );
    }
    const widened = widening(connector, version);
    if (widened) warnings.push(`${id}@${version.version} ${widened}`);
    return { ok: true, connector, version, warnings };
  }
  return {
    ok: false,
    code: 'NO_MATCHING_VERSION',
    message: `no usable version of ${id} satisfies ${range}: ${refusals.join('; ')}`,
  };
}

function refusal(version: IndexVersion, offer: HostOffer): string | undefined {
  if (version.yanked) return `is yanked${version.yank_reason ? ` (${version.yank_reason})` : ''}`;
  if (version.status === 'disabled') return 'is disabled by its maintainers';
  const node = offer.node ?? process.versions.node;
  const needNode = version.engines.node;
  if (needNode && !semver.satisfies(node, needNode, { includePrerelease: true }))
    return `needs node ${needNode} (host has ${node})`;
  const needJobforge = version.engines.jobforge;
  if (
    offer.jobforge &&
    needJobforge &&
    !semver.satisfies(offer.jobforge, needJobforge, { includePrerelease: true })
  )
    return `needs jobforge ${needJobforge} (host has ${offer.jobforge})`;
  const allowed = offer.permissions;
  if (allowed?.network) {
    const denied = (version.permissions.network ?? []).filter(
      (h) => !hostAllowed(h, allowed.network!),
    );
    if (denied.length > 0)
      return `needs network access to ${denied.join(', ')}, which the host policy does not allow`;
  }
  if (allowed?.secrets) {
    const denied = (version.permissions.secrets ?? []).filter((s) => !allowed.secrets!.includes(s));
    if (denied.length > 0)
      return `needs the secrets ${denied.join(', ')}, which the host policy does not allow`;
  }
  return undefined;
}

/** `*` allows any host; `*.example.com` allows its subdomains; otherwise an exact match. */
function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some(
    (rule) =>
      rule === '*' ||
      rule === host ||
      (rule.startsWith('*.') && host.endsWith(rule.slice(1)) && host.length > rule.length - 1),
  );
}

/**
 * Publisher text made safe for a terminal: control characters (escape sequences that could rewrite
 * the screen or the title) become U+FFFD, and it is cut to 500 characters.
 */
function printable(text: unknown): string {
  if (typeof text !== 'string') return '';
  return text
    .slice(0, 500)
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

/**
 * What the chosen version asks for that the next older usable version did not (network hosts,
 * secrets), so a host sees an update widen its permissions instead of taking it silently.
 */
function widening(connector: IndexConnector, chosen: IndexVersion): string | undefined {
  const at = connector.versions.indexOf(chosen);
  const before = connector.versions.slice(at + 1).find((v) => !v.yanked);
  if (!before) return undefined;
  const added = (now: readonly string[] = [], then: readonly string[] = []) =>
    now.filter((item) => !then.includes(item)).map(printable);
  const hosts = added(chosen.permissions.network, before.permissions.network);
  const secrets = added(chosen.permissions.secrets, before.permissions.secrets);
  if (hosts.length === 0 && secrets.length === 0) return undefined;
  const parts = [
    ...(hosts.length > 0 ? [`network access to ${hosts.join(', ')}`] : []),
    ...(secrets.length > 0 ? [`the secrets ${secrets.join(', ')}`] : []),
  ];
  return `asks for more than ${before.version} did: ${parts.join(' and ')}; pass a host policy (--allow-hosts, --policy) to refuse it`;
}
