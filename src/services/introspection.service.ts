import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import type { Database } from '../repositories';
import type { AuthService } from './auth.service';
import { readRefreshToken, secretMatches } from './refresh-token-codec';
import type { RevocationCache } from './revocation-cache';
import type { Revocations } from './revocations';
import { judgeRefresh } from './rotation-policy';
import type { SessionService } from './session.service';
import type { TokenService } from './token.service';
import { looksLikeJwt } from './token-shapes';

/** RFC 7662 §2.2: `{ active: false }` for anything not currently valid, else what the token says. */
export type IntrospectionDto =
  | { active: false }
  | {
      active: true;
      sub: string;
      exp: number;
      iat: number;
      jti?: string;
      sid: string;
      iss?: string;
      aud?: string;
      token_type: 'access_token' | 'refresh_token';
      client_id?: string;
    };

export interface IntrospectionServiceDeps {
  database: Database;
  auth: AuthService;
  tokens: TokenService;
  sessions: SessionService;
  cache: RevocationCache;
  revocations: Revocations;
  jwt: Config['jwt'];
}

const INACTIVE = { active: false } as const;
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Introspection (RFC 7662) and revocation (RFC 7009) for the services in INTROSPECTION_CLIENTS. */
export function createIntrospectionService(deps: IntrospectionServiceDeps) {
  const { database, auth, tokens, sessions, cache, revocations, jwt } = deps;
  const issuerAudience = {
    ...(jwt.issuer === null ? {} : { iss: jwt.issuer }),
    ...(jwt.audience === null ? {} : { aud: jwt.audience }),
  };

  /**
   * An access token is active when the middleware would let it in: the same verification, and the
   * same revocation cache and bound (REVOCATION_CACHE_TTL_MS), plus the user not being disabled.
   */
  async function introspectAccessToken(token: string): Promise<IntrospectionDto> {
    let claims;
    try {
      ({ token: claims } = await auth.authenticate(token));
    } catch (error) {
      if (error instanceof AppError && error.status === 401) return INACTIVE;
      throw error;
    }
    const record = await cache.findAuthUser(claims.userId);
    // A suspended user's tokens are not active, whatever their signature says.
    if (record === null || record.disabled) return INACTIVE;
    return {
      active: true,
      sub: String(claims.userId),
      exp: seconds(claims.expiresAt),
      iat: seconds(claims.issuedAt),
      jti: claims.jti,
      sid: claims.sessionId,
      ...issuerAudience,
      token_type: 'access_token',
    };
  }

  /** A refresh token is active while it is its session's live, unexpired row and its user may sign in. */
  async function introspectRefreshToken(token: string): Promise<IntrospectionDto> {
    const presented = readRefreshToken(token);
    if (presented === null) return INACTIVE;
    const row = await database.sessions.findRow(presented.rowId);
    if (row === null || !secretMatches(presented.secret, row.refreshTokenHash)) return INACTIVE;
    const now = new Date();
    if (judgeRefresh(row, now, 0) !== 'rotate' || row.absoluteExpiresAt.getTime() <= now.getTime()) return INACTIVE;
    const record = await cache.findAuthUser(row.userId);
    if (record === null || record.disabled) return INACTIVE;
    const expiresAt = row.expiresAt < row.absoluteExpiresAt ? row.expiresAt : row.absoluteExpiresAt;
    return {
      active: true,
      sub: String(row.userId),
      exp: seconds(expiresAt),
      iat: seconds(row.createdAt),
      sid: row.familyId,
      ...issuerAudience,
      token_type: 'refresh_token',
    };
  }

  /** Blocklists a correctly signed, unexpired access token; anything else is left alone. */
  async function revokeAccessToken(token: string): Promise<void> {
    let claims;
    try {
      claims = await tokens.verifyAccessToken(token);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) return;
      throw error;
    }
    const { jti, userId, acceptedUntil } = claims;
    const inserted = await database.inTransaction(async (transaction) => {
      // The user's lock first, as every revoking transaction takes it (see UsersRepository.lock).
      if ((await transaction.users.lock(userId)) === null) return false;
      return transaction.blockedTokens.insert({
        jti,
        userId,
        // Not exp: with a clock tolerance the token still verifies after it, and purge deletes the row at expiresAt.
        expiresAt: acceptedUntil,
        blockedAt: new Date(),
        reason: 'client_revocation',
      });
    });
    if (inserted) {
      revocations.announce({ reason: 'client_revocation', userId, blockedTokens: [{ jti, expiresAt: acceptedUntil }] });
    }
  }

  /** Ends the session of a refresh token whose secret matches; anything else is left alone. */
  async function revokeRefreshToken(token: string): Promise<void> {
    const presented = readRefreshToken(token);
    if (presented === null) return;
    const ended = await database.inTransaction(async (transaction) => {
      // The owner's lock, then the row's, as a refresh takes them (UsersRepository.lock).
      const locked = await transaction.sessions.lockWithOwner(presented.rowId);
      if (locked === null || !secretMatches(presented.secret, locked.row.refreshTokenHash)) return null;
      const { userId, familyId } = locked.row;
      return { userId, sessionIds: await sessions.endSessions({ userId, familyId }, 'client_revocation', transaction) };
    });
    if (ended !== null && ended.sessionIds.length > 0) {
      revocations.announce({ reason: 'client_revocation', userId: ended.userId, endedSessionIds: ended.sessionIds });
    }
  }

  return {
    /** What RFC 7662 answers for `token`; its shape (a JWT or a refresh token) decides, not the hint. */
    introspect(token: string): Promise<IntrospectionDto> {
      return looksLikeJwt(token) ? introspectAccessToken(token) : introspectRefreshToken(token);
    },

    /** RFC 7009: revokes `token` if it is valid; answers the same either way (§2.2). */
    revoke(token: string): Promise<void> {
      return looksLikeJwt(token) ? revokeAccessToken(token) : revokeRefreshToken(token);
    },
  };
}

export type IntrospectionService = ReturnType<typeof createIntrospectionService>;
