import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import type { RevocationReason } from '../models';
import { isLockConflict } from '../db/lock-conflict';
import type { Database, LockedRow, LockedUser, RefreshTokenRow, Repositories, SessionFilter } from '../repositories';
import { recordAudit } from './audit.service';
import type { Revocation } from './revocations';
import { newRandomId, newRefreshToken, readRefreshToken, secretMatches } from './refresh-token-codec';
import { judgeRefresh, type RefreshVerdict } from './rotation-policy';
import { toSessionList, type SessionDto } from './session-list';

/** Where a login came from, for the session list (and the request id, for the audit log). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  requestId?: string;
}

/** A refresh token just issued, and the session it belongs to. */
export interface IssuedRefreshToken {
  sessionId: string;
  refreshToken: string;
  refreshExpiresInSeconds: number;
}

/** A refresh either rotated the token, or found a replay of a retired one and ended its session. */
export type RotationOutcome =
  | { kind: 'rotated'; session: IssuedRefreshToken; userId: number; tokenVersion: number }
  | { kind: 'reused'; sessionId: string; userId: number };

export interface SessionServiceDeps {
  database: Database;
  settings: Config['sessions'];
}

const secondsUntil = (date: Date, now: Date): number =>
  Math.max(0, Math.floor((date.getTime() - now.getTime()) / 1000));

/**
 * Sessions and their refresh tokens. A row of `sessions` is one refresh token; a session is the
 * family of rows one login started, each rotation retiring a row and adding its child.
 */
export function createSessionService({ database, settings }: SessionServiceDeps) {
  /** A new refresh-token row of a session, and the raw token it stands for, which is never stored. */
  function newRefreshTokenRow(
    session: { familyId: string; parentId: string | null; userId: number; absoluteExpiresAt: Date },
    client: ClientInfo,
    now: Date,
  ): { row: RefreshTokenRow; issued: IssuedRefreshToken } {
    const token = newRefreshToken();
    const expiresAt = new Date(
      Math.min(now.getTime() + settings.refreshTokenTtlSeconds * 1000, session.absoluteExpiresAt.getTime()),
    );
    const row = {
      ...session,
      id: token.rowId,
      refreshTokenHash: token.secretHash,
      createdAt: now,
      // Issuing a row is a use of its session: by the login, or by the refresh that retired its parent.
      lastUsedAt: now,
      expiresAt,
      revokedAt: null,
      reason: null,
      ip: client.ip,
      userAgent: client.userAgent,
    };
    const issued = {
      sessionId: session.familyId,
      refreshToken: token.refreshToken,
      refreshExpiresInSeconds: secondsUntil(expiresAt, now),
    };
    return { row, issued };
  }

  /**
   * Ends the live rows of the matching sessions; returns the ids of the sessions it ended. The
   * caller holds the user's lock (see UsersRepository.lock), so the rows read here are all there are.
   * When more than one named session ends (logout of others or all, a password change or reset, a
   * deleted user), the user's Auth.js sessions end too, in the same transaction: revocation here
   * reaches every app that signs this user in through /adapter.
   */
  async function endSessions(
    filter: SessionFilter,
    reason: RevocationReason,
    transaction: Repositories,
  ): Promise<string[]> {
    if (filter.familyId === undefined) await transaction.authjsSessions.deleteByUser(filter.userId);
    return transaction.sessions.revokeLiveRows(filter, reason, new Date());
  }

  /**
   * THE way a user's access ends, for logout everywhere, a password change or reset, and an admin's
   * revoke or disable: every session (ours and, through endSessions, Auth.js's) and, by one
   * token-version bump, every access token. `keepSessionId` (a password change) keeps the caller's
   * own session and its access token: no bump then, the other sessions' tokens die with their
   * sessions. The caller holds the user's lock, and announces the returned revocation after commit.
   */
  async function endAllAccess(
    user: Pick<LockedUser, 'id' | 'tokenVersion'>,
    reason: RevocationReason,
    transaction: Repositories,
    keepSessionId?: string,
  ): Promise<Revocation & { endedSessionIds: string[] }> {
    if (keepSessionId !== undefined) {
      const ended = await endSessions({ userId: user.id, exceptFamilyId: keepSessionId }, reason, transaction);
      return { reason, userId: user.id, endedSessionIds: ended };
    }
    const tokenVersion = user.tokenVersion + 1;
    await transaction.users.setTokenVersion(user.id, tokenVersion);
    const ended = await endSessions({ userId: user.id }, reason, transaction);
    return { reason, userId: user.id, tokenVersion, endedSessionIds: ended };
  }

  return {
    endSessions,
    endAllAccess,

    /**
     * Starts a session (a new refresh-token family) for a user who just proved who they are. The
     * caller holds the user's lock (see UsersRepository.lock), or created the user in this transaction.
     */
    async startSession(userId: number, client: ClientInfo, transaction: Repositories): Promise<IssuedRefreshToken> {
      const now = new Date();
      const absoluteExpiresAt = new Date(now.getTime() + settings.maxAgeSeconds * 1000);
      const { row, issued } = newRefreshTokenRow(
        { familyId: newRandomId(), parentId: null, userId, absoluteExpiresAt },
        client,
        now,
      );
      await transaction.sessions.insert(row);
      return issued;
    },

    /**
     * Exchanges a refresh token for its successor. The user lock serialises concurrent refreshes
     * of one token: the first rotates it; the rest, within the grace window, get 409
     * REFRESH_CONFLICT while the session lives. A retired token presented later is a replay: its
     * whole session is revoked (see judgeRefresh).
     */
    async rotate(refreshToken: string, client: ClientInfo): Promise<RotationOutcome> {
      const presented = readRefreshToken(refreshToken);
      if (presented === null) throw new AppError('REFRESH_TOKEN_INVALID');
      /** The verdict on the locked row; throws for a token that is not genuine, or a disabled owner. */
      const judge = (locked: LockedRow | null, now: Date): LockedRow & { verdict: RefreshVerdict } => {
        if (locked === null || !secretMatches(presented.secret, locked.row.refreshTokenHash)) {
          throw new AppError('REFRESH_TOKEN_INVALID');
        }
        // Checked once the token is known to be genuine: a guess learns nothing of the account.
        if (locked.owner.disabledAt !== null) throw new AppError('USER_DISABLED');
        return { ...locked, verdict: judgeRefresh(locked.row, now, settings.refreshGraceSeconds) };
      };
      const rotateNow = ({ owner, row }: LockedRow, now: Date) => {
        const child = newRefreshTokenRow(
          { userId: row.userId, familyId: row.familyId, parentId: row.id, absoluteExpiresAt: row.absoluteExpiresAt },
          client,
          now,
        );
        const outcome: RotationOutcome = {
          kind: 'rotated',
          session: child.issued,
          userId: row.userId,
          tokenVersion: owner.tokenVersion,
        };
        return { outcome, rotate: { parent: row, child: child.row, at: now } };
      };

      // The common case, a live token rotated, in three round trips. Anything else (a race, a replay,
      // a revoked or expired token) and a lock conflict take the transaction below, which locks and
      // judges again: it alone writes what those cases need and retries conflicts.
      const rotated = await database.refreshRotation
        .lockAndRotate(presented.rowId, (locked) => {
          const now = new Date();
          const judged = judge(locked, now);
          if (judged.verdict !== 'rotate') return { value: null, rotate: null };
          const { outcome, rotate } = rotateNow(judged, now);
          return { value: outcome, rotate };
        })
        .catch((error: unknown) => {
          if (isLockConflict(error)) return null;
          throw error;
        });
      if (rotated !== null) return rotated;

      return database.inTransaction(async (transaction): Promise<RotationOutcome> => {
        const now = new Date();
        const judged = judge(await transaction.sessions.lockWithOwner(presented.rowId), now);
        const { row } = judged;
        const session = { userId: row.userId, familyId: row.familyId };
        switch (judged.verdict) {
          case 'raced':
            // "Use the tokens the concurrent request received" is only true while its session lives.
            if (!(await transaction.sessions.hasLiveRow(row.userId, row.familyId))) {
              throw new AppError('REFRESH_TOKEN_REVOKED');
            }
            throw new AppError('REFRESH_CONFLICT');
          case 'replayed':
            // Committed, not rolled back: the replay must end the session even though we answer 401.
            await endSessions(session, 'refresh_reuse', transaction);
            await recordAudit(
              transaction,
              {
                actorId: null,
                action: 'refresh.reuse_detected',
                targetUserId: row.userId,
                changes: { session: row.familyId },
              },
              { requestId: client.requestId ?? null, ip: client.ip },
            );
            return { kind: 'reused', sessionId: row.familyId, userId: row.userId };
          case 'revoked':
            throw new AppError('REFRESH_TOKEN_REVOKED');
          case 'expired':
            throw new AppError('REFRESH_TOKEN_EXPIRED');
          case 'rotate': {
            const { outcome, rotate } = rotateNow(judged, now);
            await transaction.sessions.rotate(rotate.parent, rotate.child, rotate.at);
            return outcome;
          }
        }
      });
    },

    /**
     * True while the session has a live refresh-token row of this user; false once it was revoked or
     * purged, and for another user's session (a token's `sid` only counts together with its `sub`).
     */
    isSessionLive(userId: number, sessionId: string): Promise<boolean> {
      return database.sessions.hasLiveRow(userId, sessionId);
    },

    /** The user's live sessions, oldest first. */
    async listSessions(userId: number, currentSessionId: string): Promise<SessionDto[]> {
      const liveRows = await database.sessions.findLiveRows(userId, new Date());
      if (liveRows.length === 0) return [];
      const startTimes = await database.sessions.findStartTimes(liveRows.map((row) => row.familyId));
      return toSessionList(liveRows, startTimes, currentSessionId);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
