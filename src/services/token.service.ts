import { randomBytes } from 'node:crypto';
import jwt, { type VerifyOptions } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import { toAppError } from '../errors/to-app-error';
import type { KeyStore } from './keys.service';

/** What a verified access token says, with every claim checked for presence and type. */
export interface AccessTokenClaims {
  userId: number;
  jti: string;
  /** The session (refresh-token family) the token belongs to. */
  sessionId: string;
  /** The user's token version when the token was issued; a higher current version revokes it. */
  tokenVersion: number;
  issuedAt: Date;
  expiresAt: Date;
  /**
   * The last instant verification accepts the token: `exp` plus the clock tolerance. A revocation
   * (a blocklist row, a cached blocked jti) must last until then, not only until `exp`.
   */
  acceptedUntil: Date;
}

export interface IssuedAccessToken {
  accessToken: string;
  expiresInSeconds: number;
  jti: string;
}

export interface AccessTokenSubject {
  userId: number;
  sessionId: string;
  tokenVersion: number;
}

export interface TokenService {
  issueAccessToken(subject: AccessTokenSubject): Promise<IssuedAccessToken>;
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
}

const DECIMAL_ID = /^[1-9][0-9]{0,15}$/;
const MAX_JTI_LENGTH = 255;
const SESSION_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** 9999-12-31T23:59:59Z: the latest DATETIME MySQL stores, and `exp` goes into blocked_tokens. */
const MAX_TIMESTAMP_SECONDS = 253_402_300_799;
/** Verified tokens remembered per process: a few MB at most, enough for every active client. */
const VERIFIED_TOKENS_MAX = 10_000;
/** Ours stay far below this even with a 255-character issuer and audience: longer is never decoded. */
const MAX_TOKEN_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Header parameters that carry a key, or a URL to fetch one from: keys come from our store by `kid`, nothing is fetched. */
const KEY_SOURCE_PARAMETERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;
// ignoreBOM keeps a byte-order mark in the text, where JSON.parse refuses it, instead of dropping it.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type JsonObject = Record<string, unknown>;

/** The JSON object a token segment encodes, or null: not canonical base64url, not UTF-8, not JSON, not an object. */
function decodeObject(segment: string): JsonObject | null {
  if (!BASE64URL.test(segment)) return null;
  const bytes = Buffer.from(segment, 'base64url');
  // One spelling per token: Node would also decode stray trailing bits and a dangling character.
  if (bytes.toString('base64url') !== segment) return null;
  let value: unknown;
  try {
    // RFC 8725 §3.7 and RFC 7519 §7.2: the header and the claims are UTF-8 JSON, nothing else.
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** True when the protected header is one we accept; the algorithm itself is pinned by jwt.verify. */
function isAcceptableHeader(header: JsonObject): boolean {
  // RFC 7515 §4.1.11: a recipient that does not understand every extension `crit` lists must reject
  // the token. We understand none (not even RFC 7797's `b64`), so any `crit` at all is refused.
  if (Object.hasOwn(header, 'crit')) return false;
  // RFC 8725 §2.9 and §3.10: a key or key URL chosen by the sender is never trusted nor fetched.
  if (KEY_SOURCE_PARAMETERS.some((name) => Object.hasOwn(header, name))) return false;
  // RFC 8725 §3.11: explicit typing; jsonwebtoken writes `typ: "JWT"`, and no other kind of JWT passes.
  if (Object.hasOwn(header, 'kid') && typeof header.kid !== 'string') return false;
  return !Object.hasOwn(header, 'typ') || header.typ === 'JWT';
}

interface TokenStructure {
  /** The key id the header names; null when it names none (HMAC tokens issued before kids). */
  kid: string | null;
  alg: unknown;
  payload: JsonObject;
}

/**
 * Our own reading of the compact serialisation (RFC 7515 §5.2) before jsonwebtoken sees the token:
 * the library parses header and payload before the signature and throws plain SyntaxErrors and
 * TypeErrors on bytes a client chose. Returns the header's kid and alg, and the payload, whose claims
 * count once the signature checks out.
 */
function readStructure(token: string): TokenStructure {
  const segments = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  if (segments.length !== 3) throw new AppError('TOKEN_INVALID');
  const [headerSegment = '', payloadSegment = '', signatureSegment = ''] = segments;
  const header = decodeObject(headerSegment);
  const payload = decodeObject(payloadSegment);
  if (header === null || payload === null || !BASE64URL.test(signatureSegment) || !isAcceptableHeader(header)) {
    throw new AppError('TOKEN_INVALID');
  }
  return { kid: typeof header.kid === 'string' ? header.kid : null, alg: header.alg, payload };
}

/** A whole number of seconds between 1970 and the year 9999 (JavaScript Dates go further, MySQL not). */
function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TIMESTAMP_SECONDS;
}

/** Reads the claims we require from a payload whose signature already checked out. */
function readClaims(payload: JsonObject, toleranceMs: number): AccessTokenClaims {
  // A correctly signed token is still client input: every claim is checked, none assumed.
  const { sub, jti, iat, exp, sid, ver } = payload;
  const valid =
    typeof sub === 'string' &&
    DECIMAL_ID.test(sub) &&
    typeof jti === 'string' &&
    jti.length > 0 &&
    jti.length <= MAX_JTI_LENGTH &&
    isTimestamp(iat) &&
    isTimestamp(exp) &&
    typeof sid === 'string' &&
    SESSION_ID.test(sid) &&
    typeof ver === 'number' &&
    Number.isSafeInteger(ver) &&
    ver >= 0;
  if (!valid) throw new AppError('TOKEN_INVALID');
  return {
    userId: Number(sub),
    jti,
    sessionId: sid,
    tokenVersion: ver,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
    // Within what MySQL stores: the blocklist keeps this instant.
    acceptedUntil: new Date(Math.min(exp * 1000 + toleranceMs, MAX_TIMESTAMP_SECONDS * 1000)),
  };
}

interface VerifiedToken {
  claims: AccessTokenClaims;
  kid: string | null;
}

/**
 * Signs access tokens with the store's signing key, its `kid` in the header, and verifies them with
 * the key their `kid` names, and with that key's algorithm only (keys are KeyObjects made once).
 */
export function createTokenService(jwtConfig: Config['jwt'], keys: KeyStore): TokenService {
  const issuerAudience = {
    ...(jwtConfig.issuer === null ? {} : { issuer: jwtConfig.issuer }),
    ...(jwtConfig.audience === null ? {} : { audience: jwtConfig.audience }),
  };
  const verifyOptions = {
    clockTolerance: jwtConfig.clockToleranceSeconds,
    complete: false,
    ...issuerAudience,
  } as const satisfies VerifyOptions;

  // A token string's signature and claims never change, only the clock moves: a token verified
  // once needs only its expiry, and its key still being usable, re-checked. A tampered token is a
  // different string, so a miss.
  const toleranceMs = jwtConfig.clockToleranceSeconds * 1000;
  const verified = new LRUCache<string, VerifiedToken>({ max: VERIFIED_TOKENS_MAX });

  return {
    async issueAccessToken({ userId, sessionId, tokenVersion }) {
      const signing = await keys.signingKey();
      // 128 random bits: two logins in the same second still get different tokens.
      const jti = randomBytes(16).toString('base64url');
      const accessToken = jwt.sign({ sid: sessionId, ver: tokenVersion }, signing.privateKey, {
        algorithm: signing.algorithm,
        keyid: signing.kid,
        expiresIn: jwtConfig.expiresInSeconds,
        subject: String(userId),
        jwtid: jti,
        ...issuerAudience,
      });
      return { accessToken, expiresInSeconds: jwtConfig.expiresInSeconds, jti };
    },

    async verifyAccessToken(token) {
      const refreshing = keys.refreshed();
      // Null on almost every request: no promise made, no microtask waited for.
      if (refreshing !== null) await refreshing;
      const known = verified.get(token);
      if (known !== undefined) {
        // A key retired since is refused even for a token verified before.
        if (!keys.isUsable(known.kid)) throw new AppError('TOKEN_INVALID');
        if (Date.now() >= known.claims.acceptedUntil.getTime()) throw new AppError('TOKEN_EXPIRED');
        return known.claims;
      }
      const { kid, alg, payload } = readStructure(token);
      // The key comes from our store by kid, never from the token; its algorithm is the only one
      // accepted: an RS256 public key used as an HS256 secret, or `alg: none`, fails here.
      const key = await keys.verificationKey(kid);
      if (key === null || alg !== key.algorithm) throw new AppError('TOKEN_INVALID');
      try {
        jwt.verify(token, key.publicKey, { ...verifyOptions, algorithms: [key.algorithm] });
      } catch (error) {
        // Besides our key, made at startup, jwt.verify reads only the client's bytes: an error that is
        // not one of its own (toAppError maps those) still says the token is bad, never a 500.
        const mapped = toAppError(error);
        throw mapped.status === 401 ? mapped : new AppError('TOKEN_INVALID', { cause: error });
      }
      const claims = readClaims(payload, toleranceMs);
      verified.set(token, { claims, kid }, { ttl: Math.max(1, claims.acceptedUntil.getTime() - Date.now()) });
      return claims;
    },
  };
}
