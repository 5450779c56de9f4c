import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import jwt, { type JwtPayload, type VerifyOptions } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import { toAppError } from '../errors/to-app-error';

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
  issueAccessToken(subject: AccessTokenSubject): IssuedAccessToken;
  verifyAccessToken(token: string): AccessTokenClaims;
}

const DECIMAL_ID = /^[1-9][0-9]{0,15}$/;
const MAX_JTI_LENGTH = 255;
const SESSION_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** 9999-12-31T23:59:59Z: the latest DATETIME MySQL stores, and `exp` goes into blocked_tokens. */
const MAX_TIMESTAMP_SECONDS = 253_402_300_799;
/** Verified tokens remembered per process: a few MB at most, enough for every active client. */
const VERIFIED_TOKENS_MAX = 10_000;

/** A whole number of seconds between 1970 and the year 9999 (JavaScript Dates go further, MySQL not). */
function isTimestamp(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TIMESTAMP_SECONDS;
}

/** Reads the claims we require from a payload whose signature already checked out. */
function readClaims(payload: string | JwtPayload): AccessTokenClaims {
  // A correctly signed token is still client input: every claim is checked, none assumed.
  if (typeof payload === 'string') throw new AppError('TOKEN_INVALID');
  const { sub, jti, iat, exp, sid, ver } = payload as JwtPayload & { sid?: unknown; ver?: unknown };
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
  };
}

/**
 * Signs and verifies access tokens. The secret becomes a KeyObject once, here, not per request.
 */
export function createTokenService(jwtConfig: Config['jwt']): TokenService {
  if (jwtConfig.secret === null) throw new Error('JWT_SECRET is not configured');
  const key: KeyObject = createSecretKey(Buffer.from(jwtConfig.secret, 'utf8'));
  const issuerAudience = {
    ...(jwtConfig.issuer === null ? {} : { issuer: jwtConfig.issuer }),
    ...(jwtConfig.audience === null ? {} : { audience: jwtConfig.audience }),
  };
  const verifyOptions: VerifyOptions & { complete: false } = {
    // Pinning the list is what stops `alg: none` and algorithm-confusion tokens.
    algorithms: [jwtConfig.algorithm],
    clockTolerance: jwtConfig.clockToleranceSeconds,
    complete: false,
    ...issuerAudience,
  };

  // A token string's signature and claims never change, only the clock moves: a token verified
  // once needs only its expiry re-checked. A tampered token is a different string, so a miss.
  const toleranceMs = jwtConfig.clockToleranceSeconds * 1000;
  const verified = new LRUCache<string, AccessTokenClaims>({ max: VERIFIED_TOKENS_MAX });

  return {
    issueAccessToken({ userId, sessionId, tokenVersion }) {
      // 128 random bits: two logins in the same second still get different tokens.
      const jti = randomBytes(16).toString('base64url');
      const accessToken = jwt.sign({ sid: sessionId, ver: tokenVersion }, key, {
        algorithm: jwtConfig.algorithm,
        expiresIn: jwtConfig.expiresInSeconds,
        subject: String(userId),
        jwtid: jti,
        ...issuerAudience,
      });
      return { accessToken, expiresInSeconds: jwtConfig.expiresInSeconds, jti };
    },

    verifyAccessToken(token) {
      const known = verified.get(token);
      if (known !== undefined) {
        if (Date.now() >= known.expiresAt.getTime() + toleranceMs) throw new AppError('TOKEN_EXPIRED');
        return known;
      }
      let payload: string | JwtPayload;
      try {
        payload = jwt.verify(token, key, verifyOptions);
      } catch (error) {
        throw toAppError(error);
      }
      const claims = readClaims(payload);
      verified.set(token, claims, { ttl: Math.max(1, claims.expiresAt.getTime() + toleranceMs - Date.now()) });
      return claims;
    },
  };
}
