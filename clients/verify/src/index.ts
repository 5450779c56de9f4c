import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Verifies the auth server's RS256/ES256 access tokens in another service. Keys come from the
 * server's JWKS only (never from a token), each used with its own `alg` only; revocation is seen
 * through introspection when configured. Node ≥ 20 (global fetch), no dependencies.
 */

/** The auth server's error codes this verifier answers with (see its docs/reference/errors.md). */
export type VerifyErrorCode =
  'UNAUTHENTICATED' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_REVOKED' | 'SERVICE_UNAVAILABLE';

export class VerifyError extends Error {
  override name = 'VerifyError';
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
    /** 401 for a token to refuse, 503 when the auth server could not be asked. */
    readonly status = code === 'SERVICE_UNAVAILABLE' ? 503 : 401,
  ) {
    super(message);
  }
}

/** The claims of a verified access token. */
export interface AccessTokenClaims {
  sub: string;
  jti: string;
  sid: string;
  iat: number;
  exp: number;
  iss?: string;
  aud?: string | string[];
  [claim: string]: unknown;
}

export interface VerifierOptions {
  /** The auth server's JWT_ISSUER: required in every token's `iss`. */
  issuer: string;
  /** The auth server's JWT_AUDIENCE, when it sets one. */
  audience?: string;
  /** Default: `${issuer}/.well-known/jwks.json`. */
  jwksUrl?: string;
  /** Seconds of leeway for exp and nbf (default 0). */
  clockToleranceSeconds?: number;
  /** Ask POST /auth/introspect too: a logout, revocation or disabled user is seen within `cacheSeconds`. */
  introspection?: { url: string; clientId: string; clientSecret: string; cacheSeconds?: number };
}

export interface Verifier {
  /** The claims of `token`, or a VerifyError with the auth server's code. */
  verify(token: string): Promise<AccessTokenClaims>;
}

/** An unknown kid re-fetches the JWKS at most this often: a flood of made-up kids costs one fetch per 30 s. */
const JWKS_REFRESH_MIN_MS = 30_000;
/** How long a JWKS is kept when its answer names no max-age, and the longest it is kept at all. */
const JWKS_DEFAULT_MAX_AGE_SECONDS = 60;
const JWKS_LONGEST_MAX_AGE_SECONDS = 3600;
const FETCH_TIMEOUT_MS = 5_000;
const SUPPORTED = new Set(['RS256', 'ES256']);
const KEY_SOURCE_PARAMETERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'];

interface Key {
  alg: string;
  key: KeyObject;
}

const invalid = (message: string): VerifyError => new VerifyError('TOKEN_INVALID', message);

function decodeJson(segment: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) throw invalid('a segment is not base64url');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw invalid('a segment is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('a segment is not an object');
  return value as Record<string, unknown>;
}

async function fetchJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown; maxAgeSeconds: number | null }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new VerifyError('SERVICE_UNAVAILABLE', `the auth server did not answer: ${String(error)}`);
  }
  const text = await response.text();
  const maxAge = /max-age=(\d+)/.exec(response.headers.get('Cache-Control') ?? '')?.[1];
  try {
    return {
      status: response.status,
      body: text === '' ? null : (JSON.parse(text) as unknown),
      maxAgeSeconds: maxAge === undefined ? null : Number(maxAge),
    };
  } catch {
    throw new VerifyError('SERVICE_UNAVAILABLE', `the auth server answered ${response.status} without JSON`);
  }
}

/**
 * The key a JWKS entry holds, or null for one to ignore. RFC 7517 §5: a key of a type not understood,
 * missing required members or with values out of range is ignored, not fatal, so one bad entry does
 * not stop the others from verifying.
 */
function usableKey(entry: unknown): (Key & { kid: string }) | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const jwk = entry as JsonWebKey & { kid?: unknown; alg?: unknown; use?: unknown };
  if (typeof jwk.kid !== 'string' || typeof jwk.alg !== 'string' || !SUPPORTED.has(jwk.alg)) return null;
  if (jwk.use !== undefined && jwk.use !== 'sig') return null;
  let key: KeyObject;
  try {
    // node:crypto imports the JWK: no hand-written JWK or DER parsing.
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
  // RFC 8725 §3.1: a key serves the one algorithm it is for; an RSA key labelled ES256 (or the
  // reverse) is not used under that label.
  const fits =
    jwk.alg === 'RS256'
      ? key.asymmetricKeyType === 'rsa'
      : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  return fits ? { kid: jwk.kid, alg: jwk.alg, key } : null;
}

/** Creates a verifier; nothing is fetched until the first verify(). */
export function createVerifier(options: VerifierOptions): Verifier {
  const jwksUrl = options.jwksUrl ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  const toleranceSeconds = options.clockToleranceSeconds ?? 0;
  let keys = new Map<string, Key>();
  let fetchedAt = 0;
  let maxAgeMs = JWKS_DEFAULT_MAX_AGE_SECONDS * 1000;
  let fetching: Promise<void> | null = null;
  const introspected = new Map<string, { active: boolean; until: number }>();

  async function loadJwks(): Promise<void> {
    const { status, body, maxAgeSeconds } = await fetchJson(jwksUrl);
    const list = (body as { keys?: unknown } | null)?.keys;
    if (status !== 200 || !Array.isArray(list)) throw new VerifyError('SERVICE_UNAVAILABLE', `JWKS answered ${status}`);
    const next = new Map<string, Key>();
    for (const entry of list as unknown[]) {
      const key = usableKey(entry);
      if (key !== null) next.set(key.kid, key);
    }
    keys = next;
    fetchedAt = Date.now();
    // The server's max-age is its key refresh interval: a retired key disappears here as soon as there.
    maxAgeMs = Math.min(maxAgeSeconds ?? JWKS_DEFAULT_MAX_AGE_SECONDS, JWKS_LONGEST_MAX_AGE_SECONDS) * 1000;
  }

  function loadOnce(): Promise<void> {
    fetching ??= loadJwks().finally(() => {
      fetching = null;
    });
    return fetching;
  }

  /**
   * The key `kid` names: from the JWKS, re-fetched once its max-age has passed, and on an unknown
   * kid at most once every 30 s.
   */
  async function keyFor(kid: string): Promise<Key | null> {
    if (fetchedAt === 0 || Date.now() - fetchedAt >= maxAgeMs) await loadOnce();
    const known = keys.get(kid);
    if (known !== undefined) return known;
    if (Date.now() - fetchedAt < JWKS_REFRESH_MIN_MS) return null;
    await loadOnce();
    return keys.get(kid) ?? null;
  }

  async function isActive(token: string): Promise<boolean> {
    const settings = options.introspection;
    if (settings === undefined) return true;
    const cached = introspected.get(token);
    if (cached !== undefined && cached.until > Date.now()) return cached.active;
    const credentials = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`;
    const { status, body } = await fetchJson(settings.url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    if (status !== 200) throw new VerifyError('SERVICE_UNAVAILABLE', `introspection answered ${status}`);
    const active = (body as { active?: unknown } | null)?.active === true;
    introspected.set(token, { active, until: Date.now() + (settings.cacheSeconds ?? 5) * 1000 });
    if (introspected.size > 10_000) introspected.clear();
    return active;
  }

  return {
    async verify(token) {
      const segments = token.split('.');
      if (segments.length !== 3 || token.length > 8192) throw invalid('not a compact JWT');
      const [headerSegment = '', payloadSegment = '', signatureSegment = ''] = segments;
      const header = decodeJson(headerSegment);
      // A key or key URL chosen by the sender is never used nor fetched (RFC 8725 §3.10).
      if (KEY_SOURCE_PARAMETERS.some((name) => Object.hasOwn(header, name))) throw invalid('a key source header');
      if (typeof header.kid !== 'string') throw invalid('no kid');
      const key = await keyFor(header.kid);
      // The algorithm is the key's, never the token's: an HS256 token made with a public key fails here.
      if (key === null || header.alg !== key.alg) throw invalid('no key of this kid and alg');
      const signature = Buffer.from(signatureSegment, 'base64url');
      const signed = Buffer.from(`${headerSegment}.${payloadSegment}`);
      const valid =
        key.alg === 'RS256'
          ? verifySignature('sha256', signed, key.key, signature)
          : verifySignature('sha256', signed, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
      if (!valid) throw invalid('bad signature');
      const claims = decodeJson(payloadSegment);
      const now = Date.now() / 1000;
      const { sub, jti, sid, iat, exp, nbf, iss, aud } = claims;
      if (typeof sub !== 'string' || typeof jti !== 'string' || typeof sid !== 'string')
        throw invalid('claims missing');
      if (typeof iat !== 'number' || typeof exp !== 'number') throw invalid('no iat or exp');
      if (iss !== options.issuer) throw invalid('another issuer');
      if (
        options.audience !== undefined &&
        aud !== options.audience &&
        !(Array.isArray(aud) && aud.includes(options.audience))
      ) {
        throw invalid('another audience');
      }
      if (typeof nbf === 'number' && nbf > now + toleranceSeconds) throw invalid('not yet valid');
      if (exp <= now - toleranceSeconds) throw new VerifyError('TOKEN_EXPIRED', 'the token has expired');
      if (!(await isActive(token))) throw new VerifyError('TOKEN_REVOKED', 'the token is no longer active');
      return claims as AccessTokenClaims;
    },
  };
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function bearerToken(header: string | undefined): string {
  if (header === undefined || header === '') throw new VerifyError('UNAUTHENTICATED', 'no Authorization header');
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) throw invalid('not a Bearer token');
  return token;
}

/** A plain Node helper: the claims of the request's `Authorization: Bearer` token, or a VerifyError. */
export function createRequestVerifier(verifier: Verifier): (request: IncomingMessage) => Promise<AccessTokenClaims> {
  return (request) => verifier.verify(bearerToken(request.headers.authorization));
}

/** The part of a Koa context the middleware uses (no dependency on koa itself). */
export interface KoaLikeContext {
  get(field: string): string;
  set(field: string, value: string): void;
  status: number;
  body: unknown;
  state: Record<string, unknown>;
}

/**
 * Koa middleware: puts the claims on `ctx.state.claims`, or answers 401 (503 when the auth server
 * could not be asked) with the auth server's error shape `{ error: { code, message } }`.
 */
export function koaVerify(verifier: Verifier) {
  return async (ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void> => {
    try {
      ctx.state.claims = await verifier.verify(bearerToken(ctx.get('Authorization') || undefined));
    } catch (error) {
      if (!(error instanceof VerifyError)) throw error;
      ctx.status = error.status;
      if (error.status === 401) ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      ctx.body = { error: { code: error.code, message: error.message } };
      return;
    }
    // Outside the try: an error further down is not a 401.
    await next();
  };
}
