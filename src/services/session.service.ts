import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import { inTransaction, lockUser, Session, type RevocationReason } from '../models';
import { REFRESH_TOKEN_FORMAT } from './token-shapes';

/** Where a login came from, for the session list. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedRefreshToken {
  sessionId: string;
  refreshToken: string;
  refreshExpiresInSeconds: number;
}

/** A refresh either rotated the token, or found a replay of a retired one and ended its session. */
export type RotationOutcome =
  | { kind: 'rotated'; session: IssuedRefreshToken; userId: number; tokenVersion: number }
  | { kind: 'reused'; sessionId: string; userId: number };

export interface SessionDto {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

const randomId = (): string => randomBytes(16).toString('base64url');

// 256 random bits need no slow hash: SHA-256 is enough and keeps refresh cheap.
const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Constant-time, so response timing does not leak how much of a guessed secret matched. */
function secretMatches(secret: string, storedHash: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(storedHash, 'hex'));
}

const secondsUntil = (date: Date, now: Date): number =>
  Math.max(0, Math.floor((date.getTime() - now.getTime()) / 1000));

export function createSessionService(settings: Config['sessions']) {
  /** Inserts one refresh-token row and returns the raw token, which is never stored. */
  async function insertRow(
    fields: { familyId: string; parentId: string | null; userId: number; absoluteExpiresAt: Date; client: ClientInfo },
    now: Date,
    transaction: Transaction,
  ): Promise<IssuedRefreshToken> {
    const id = randomId();
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(
      Math.min(now.getTime() + settings.refreshTokenTtlSeconds * 1000, fields.absoluteExpiresAt.getTime()),
    );
    await Session.create(
      {
        id,
        familyId: fields.familyId,
        parentId: fields.parentId,
        userId: fields.userId,
        refreshTokenHash: hashSecret(secret),
        createdAt: now,
        lastUsedAt: null,
        expiresAt,
        absoluteExpiresAt: fields.absoluteExpiresAt,
        revokedAt: null,
        reason: null,
        ip: fields.client.ip,
        userAgent: fields.client.userAgent,
      },
      { transaction },
    );
    return {
      sessionId: fields.familyId,
      refreshToken: `${id}.${secret}`,
      refreshExpiresInSeconds: secondsUntil(expiresAt, now),
    };
  }

  /**
   * Ends the live rows of the matching sessions; returns the ids of the sessions it ended. The
   * caller holds the user's lock (see lockUser), so the rows read here are all there are.
   */
  async function endSessions(
    where: { userId: number; familyId?: string; exceptFamilyId?: string },
    reason: RevocationReason,
    transaction: Transaction,
  ): Promise<string[]> {
    const filter = {
      userId: where.userId,
      revokedAt: null,
      ...(where.familyId === undefined ? {} : { familyId: where.familyId }),
      ...(where.exceptFamilyId === undefined ? {} : { familyId: { [Op.ne]: where.exceptFamilyId } }),
    };
    // A locking read: what counts is what is committed now, not the transaction's snapshot.
    const live = await Session.findAll({
      where: filter,
      attributes: ['id', 'familyId'],
      raw: true,
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    if (live.length === 0) return [];
    await Session.update({ revokedAt: new Date(), reason }, { where: { id: live.map((row) => row.id) }, transaction });
    return [...new Set(live.map((row) => row.familyId))];
  }

  /** True while the session has a live row, read under the user's lock (see endSessions). */
  async function hasLiveRow(familyId: string, transaction: Transaction): Promise<boolean> {
    const row = await Session.findOne({
      where: { familyId, revokedAt: null },
      attributes: ['id'],
      raw: true,
      transaction,
      lock: transaction.LOCK.UPDATE,
    });
    return row !== null;
  }

  return {
    endSessions,

    /**
     * Starts a session (a new refresh-token family) for a user who just proved who they are. The
     * caller holds the user's lock (see lockUser), or created the user in this transaction.
     */
    startSession(userId: number, client: ClientInfo, transaction: Transaction): Promise<IssuedRefreshToken> {
      const now = new Date();
      const absoluteExpiresAt = new Date(now.getTime() + settings.maxAgeSeconds * 1000);
      return insertRow({ familyId: randomId(), parentId: null, userId, absoluteExpiresAt, client }, now, transaction);
    },

    /**
     * Exchanges a refresh token for its successor. The user lock serialises concurrent refreshes
     * of one token: the first rotates it; the rest, within the grace window, get 409
     * REFRESH_CONFLICT while the session lives. A retired token presented later is a replay: its
     * whole session is revoked.
     */
    async rotate(refreshToken: string, client: ClientInfo): Promise<RotationOutcome> {
      const parts = REFRESH_TOKEN_FORMAT.exec(refreshToken);
      if (parts?.[1] === undefined || parts[2] === undefined) throw new AppError('REFRESH_TOKEN_INVALID');
      const [, rowId, secret] = parts;
      return inTransaction(async (transaction): Promise<RotationOutcome> => {
        // Not a locking read: only the owner is needed, and no session row may be locked before the user.
        const owner = await Session.findByPk(rowId, { attributes: ['userId'], raw: true, transaction });
        if (owner === null) throw new AppError('REFRESH_TOKEN_INVALID');
        const user = await lockUser(owner.userId, transaction);
        if (user === null) throw new AppError('REFRESH_TOKEN_INVALID');
        const row = await Session.findByPk(rowId, { transaction, lock: transaction.LOCK.UPDATE });
        if (row === null || !secretMatches(secret, row.refreshTokenHash)) throw new AppError('REFRESH_TOKEN_INVALID');
        const now = new Date();
        if (row.revokedAt !== null && row.reason === 'rotated') {
          if (now.getTime() - row.revokedAt.getTime() <= settings.refreshGraceSeconds * 1000) {
            // "Use the tokens the concurrent request received" is only true while its session lives.
            if (!(await hasLiveRow(row.familyId, transaction))) throw new AppError('REFRESH_TOKEN_REVOKED');
            throw new AppError('REFRESH_CONFLICT');
          }
          // Committed, not rolled back: the replay must end the session even though we answer 401.
          await endSessions({ userId: row.userId, familyId: row.familyId }, 'refresh_reuse', transaction);
          return { kind: 'reused', sessionId: row.familyId, userId: row.userId };
        }
        if (row.revokedAt !== null) throw new AppError('REFRESH_TOKEN_REVOKED');
        if (row.expiresAt.getTime() <= now.getTime()) throw new AppError('REFRESH_TOKEN_EXPIRED');

        await row.update({ revokedAt: now, reason: 'rotated', lastUsedAt: now }, { transaction });
        const child = await insertRow(
          {
            familyId: row.familyId,
            parentId: row.id,
            userId: row.userId,
            absoluteExpiresAt: row.absoluteExpiresAt,
            client,
          },
          now,
          transaction,
        );
        return { kind: 'rotated', session: child, userId: row.userId, tokenVersion: user.tokenVersion };
      });
    },

    /**
     * True while the session has a live refresh-token row of this user; false once it was revoked or
     * purged, and for another user's session (a token's `sid` only counts together with its `sub`).
     */
    async isSessionLive(userId: number, sessionId: string): Promise<boolean> {
      const row = await Session.findOne({
        where: { familyId: sessionId, userId, revokedAt: null },
        attributes: ['id'],
        raw: true,
      });
      return row !== null;
    },

    /** The caller's live sessions, oldest first. */
    async listSessions(userId: number, currentSessionId: string): Promise<SessionDto[]> {
      const now = new Date();
      const heads = await Session.findAll({
        where: { userId, revokedAt: null, expiresAt: { [Op.gt]: now } },
        raw: true,
      });
      if (heads.length === 0) return [];
      const firsts = await Session.findAll({
        where: { familyId: heads.map((head) => head.familyId), parentId: null },
        attributes: ['familyId', 'createdAt'],
        raw: true,
      });
      const startedAt = new Map(firsts.map((row) => [row.familyId, row.createdAt]));
      return heads
        .map((head) => ({
          id: head.familyId,
          created_at: (startedAt.get(head.familyId) ?? head.createdAt).toISOString(),
          last_used_at: head.createdAt.toISOString(),
          ip: head.ip,
          user_agent: head.userAgent,
          current: head.familyId === currentSessionId,
        }))
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
