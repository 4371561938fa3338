import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { JobForgeError } from './errors.js';
import { type KeyInput, keyIdOf, toPrivateKey, toPublicKey } from './keys.js';

/** What a policy token allows: actions for one tenant (optionally one project), maybe a payload shape. */
export interface PolicyGrant {
  tenant_id: string;
  project_id?: string;
  /** `enqueue:<job type>`, `connector:<id>:write`; `*` matches any run of characters but `:`. */
  actions: string[];
  /** A JSON Schema the payload must also satisfy (checked by the host that enforces the grant). */
  constraint?: Record<string, unknown>;
}

/** The claims of a verified token: the grant plus who issued it, its id and validity window. */
export interface PolicyClaims extends PolicyGrant {
  iss: string;
  sub?: string;
  jti: string;
  iat: number;
  nbf?: number;
  exp: number;
}

export type PolicyTokenCode =
  | 'POLICY_TOKEN_MALFORMED'
  | 'POLICY_KEY_UNKNOWN'
  | 'POLICY_SIGNATURE_INVALID'
  | 'POLICY_EXPIRED'
  | 'POLICY_NOT_YET_VALID'
  | 'POLICY_TENANT_MISMATCH'
  | 'POLICY_PROJECT_MISMATCH'
  | 'POLICY_ACTION_NOT_GRANTED';

export type PolicyTokenResult =
  | { ok: true; claims: PolicyClaims }
  | { ok: false; code: PolicyTokenCode; message: string };

/** Clock skew tolerated on `exp` and `nbf`, in seconds: a host a minute off still agrees. */
export const POLICY_LEEWAY_SECONDS = 60;
/** Longest lifetime `issuePolicyToken` grants: tokens are short-lived, revocation is the backstop. */
export const MAX_POLICY_TTL_SECONDS = 30 * 24 * 3600;
const MAX_TOKEN_CHARS = 16_384;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssuePolicyTokenOptions {
  privateKey: KeyInput;
  issuer: string;
  subject?: string;
  /** Lifetime in seconds (default 3600, at most MAX_POLICY_TTL_SECONDS). */
  ttlSeconds?: number;
  /** Not valid before this time (default: now). */
  notBefore?: Date;
  tokenId?: string;
  /** The issuing clock (tests). */
  now?: Date;
}

/**
 * Signs a policy token: a JWT (EdDSA, Ed25519) whose `kid` is the JobForge key id of the signer.
 *
 * @example
 * const { token } = await issuePolicyToken(
 *   { tenant_id, actions: ['enqueue:settler.notification.send'] },
 *   { privateKey: pem, issuer: 'ops@example.com', ttlSeconds: 900 });
 */
export async function issuePolicyToken(
  grant: PolicyGrant,
  options: IssuePolicyTokenOptions,
): Promise<{ token: string; claims: PolicyClaims }> {
  checkGrant(grant);
  const ttl = options.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_POLICY_TTL_SECONDS)
    throw new JobForgeError(
      'INVALID_POLICY',
      `ttlSeconds must be an integer from 1 to ${MAX_POLICY_TTL_SECONDS}, got ${ttl}`,
      { where: 'ttlSeconds' },
    );
  if (!options.issuer) throw new JobForgeError('INVALID_POLICY', 'issuer is required');
  const key = toPrivateKey(options.privateKey);
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: PolicyClaims = {
    ...grant,
    iss: options.issuer,
    ...(options.subject ? { sub: options.subject } : {}),
    jti: options.tokenId ?? randomUUID(),
    iat,
    ...(options.notBefore ? { nbf: Math.floor(options.notBefore.getTime() / 1000) } : {}),
    exp: iat + ttl,
  };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: keyIdOf(key) })
    .sign(key);
  return { token, claims };
}

export interface ValidatePolicyTokenOptions {
  /** The issuers' public keys; the token's `kid` picks one. */
  keys: KeyInput[];
  /** The tenant the token must be for. */
  tenantId?: string;
  /** The project the request acts in: a token bound to another project fails. */
  projectId?: string;
  /** An action the grant must cover, e.g. `enqueue:settler.notification.send`. */
  action?: string;
  now?: Date;
  leewaySeconds?: number;
}

/**
 * Verifies a policy token's signature, validity window (with POLICY_LEEWAY_SECONDS of skew),
 * tenant, project and, when asked, that it covers an action. Never throws for a bad token: the
 * answer says which check failed with a stable code.
 *
 * @example
 * const checked = await validatePolicyToken(token, { keys: [publicPem], tenantId, action });
 * if (!checked.ok) console.error(checked.code, checked.message);
 */
export async function validatePolicyToken(
  token: string,
  options: ValidatePolicyTokenOptions,
): Promise<PolicyTokenResult> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS || token.split('.').length !== 3)
    return fail('POLICY_TOKEN_MALFORMED', 'the policy token is not a compact JWT (three parts)');
  const keys = new Map(options.keys.map((k) => [keyIdOf(k), toPublicKey(k)]));
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : keys.get(header.kid);
        if (!key) throw new UnknownKey(String(header.kid));
        return key;
      },
      {
        algorithms: ['EdDSA'],
        clockTolerance: options.leewaySeconds ?? POLICY_LEEWAY_SECONDS,
        requiredClaims: ['exp', 'jti', 'iss'],
        ...(options.now ? { currentDate: options.now } : {}),
      },
    ));
  } catch (error) {
    return fromJoseError(error);
  }
  const claims = payload as unknown as PolicyClaims;
  try {
    checkGrant(claims);
  } catch (error) {
    return fail('POLICY_TOKEN_MALFORMED', (error as Error).message);
  }
  return checkPolicyClaims(claims, options);
}

/**
 * The checks of `validatePolicyToken` that follow the signature: the validity window (with the
 * leeway), tenant, project and action. A host that verified a token's signature once may re-run
 * these for every use of it (each job of a batch, a claim much later).
 */
export function checkPolicyClaims(
  claims: PolicyClaims,
  options: Omit<ValidatePolicyTokenOptions, 'keys'>,
): PolicyTokenResult {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const leeway = options.leewaySeconds ?? POLICY_LEEWAY_SECONDS;
  if (now - leeway >= claims.exp) return fail('POLICY_EXPIRED', 'the policy token has expired');
  if (claims.nbf !== undefined && now + leeway < claims.nbf)
    return fail('POLICY_NOT_YET_VALID', 'the policy token is not valid yet (nbf is in the future)');
  if (options.tenantId !== undefined && claims.tenant_id !== options.tenantId)
    return fail(
      'POLICY_TENANT_MISMATCH',
      `the token is for tenant ${claims.tenant_id}, not ${options.tenantId}`,
    );
  if (claims.project_id !== undefined && claims.project_id !== options.projectId)
    return fail(
      'POLICY_PROJECT_MISMATCH',
      `the token is for project ${claims.project_id}, not ${options.projectId ?? 'the whole tenant'}`,
    );
  if (options.action !== undefined && !grantCovers(claims.actions, options.action))
    return fail(
      'POLICY_ACTION_NOT_GRANTED',
      `the token grants ${JSON.stringify(claims.actions)}, which does not cover "${options.action}"`,
    );
  return { ok: true, claims };
}

/**
 * True when one of the granted action patterns covers the action. `*` matches any run of
 * characters except `:`, so `enqueue:settler.*` covers `enqueue:settler.report.monthly` and
 * `connector:*:write` covers `connector:http:write`; a lone `*` covers every action.
 */
export function grantCovers(actions: readonly string[], action: string): boolean {
  return actions.some((pattern) => pattern === '*' || patternRegex(pattern).test(action));
}

const patterns = new Map<string, RegExp>();
function patternRegex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^:]*');
    re = new RegExp(`^${body}$`);
    if (patterns.size < 10_000) patterns.set(pattern, re);
  }
  return re;
}

function checkGrant(grant: PolicyGrant): void {
  const bad = (message: string) => {
    throw new JobForgeError('INVALID_POLICY', message);
  };
  if (typeof grant.tenant_id !== 'string' || !UUID.test(grant.tenant_id))
    bad('the grant needs tenant_id, a UUID');
  if (
    grant.project_id !== undefined &&
    (typeof grant.project_id !== 'string' || !UUID.test(grant.project_id))
  )
    bad('project_id must be a UUID');
  if (
    !Array.isArray(grant.actions) ||
    grant.actions.length === 0 ||
    grant.actions.length > 100 ||
    !grant.actions.every((a) => typeof a === 'string' && a.length > 0 && a.length <= 300)
  )
    bad('actions must be 1 to 100 non-empty strings');
  if (
    grant.constraint !== undefined &&
    (typeof grant.constraint !== 'object' ||
      grant.constraint === null ||
      Array.isArray(grant.constraint))
  )
    bad('constraint must be a JSON Schema object');
}

class UnknownKey extends Error {}

function fromJoseError(error: unknown): PolicyTokenResult {
  if (error instanceof UnknownKey)
    return fail(
      'POLICY_KEY_UNKNOWN',
      `the token is signed by key ${error.message.slice(0, 80)}, which is not a trusted policy key`,
    );
  if (error instanceof errors.JWTExpired)
    return fail('POLICY_EXPIRED', 'the policy token has expired');
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf')
    return fail('POLICY_NOT_YET_VALID', 'the policy token is not valid yet (nbf is in the future)');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return fail('POLICY_SIGNATURE_INVALID', 'the policy token signature does not verify');
  const message = error instanceof Error ? error.message : String(error);
  return fail('POLICY_TOKEN_MALFORMED', `the policy token is malformed: ${message.slice(0, 200)}`);
}

function fail(code: PolicyTokenCode, message: string): PolicyTokenResult {
  return { ok: false, code, message };
}
