import { Op, Transaction } from 'sequelize';
import { Session, type RevocationReason, type SessionEndReason } from '../models';

/**
 * One row of `sessions`: one refresh token. The session is the family of rows sharing `familyId`
 * (the `sid` of access tokens); at most one row of a family is live (not revoked), its newest.
 */
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  parentId: string | null;
  userId: number;
  refreshTokenHash: string;
  createdAt: Date;
  /** When the session was last used: the login or refresh that issued this row. */
  lastUsedAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
  reason: SessionEndReason | null;
  ip: string | null;
  userAgent: string | null;
}

/** Which sessions of one user: all of them, one (`familyId`), or all but one (`exceptFamilyId`). */
export interface SessionFilter {
  userId: number;
  familyId?: string;
  exceptFamilyId?: string;
}

/** The one place that reads and writes the `sessions` table (refresh-token rows). */
export interface SessionsRepository {
  insert(row: RefreshTokenRow): Promise<void>;
  /** The owner of a row, by a plain read: no session row may be locked before its user. */
  findOwnerId(rowId: string): Promise<number | null>;
  /** The row by a plain read, for a check that changes nothing (introspection). */
  findRow(rowId: string): Promise<RefreshTokenRow | null>;
  /** The row, locked (the caller holds its user's lock). */
  lockRow(rowId: string): Promise<RefreshTokenRow | null>;
  /** Retires a row that was just exchanged for its successor. */
  markRotated(rowId: string, at: Date): Promise<void>;
  /**
   * Revokes the live rows of the matching sessions, found by a locking read (what counts is what is
   * committed now, not the transaction's snapshot); returns the ids of the sessions it ended.
   */
  revokeLiveRows(filter: SessionFilter, reason: RevocationReason, at: Date): Promise<string[]>;
  /** True while the user's session has a live row; inside a transaction, a locking read. */
  hasLiveRow(userId: number, familyId: string): Promise<boolean>;
  /** The live rows of a user that have not expired: one per live session. */
  findLiveRows(userId: number, now: Date): Promise<RefreshTokenRow[]>;
  /** When each of these sessions started: the `createdAt` of its first row. */
  findStartTimes(familyIds: string[]): Promise<Map<string, Date>>;
  /**
   * Deletes up to `limit` rows past their own expiry; returns how many. A session's first row stays
   * until the session's absolute end: it is what says when the session started.
   */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/** The sessions repository, inside `transaction` when one is given. */
export function createSessionsRepository(transaction?: Transaction): SessionsRepository {
  const lock = transaction === undefined ? undefined : Transaction.LOCK.UPDATE;
  return {
    async insert(row) {
      await Session.create(row, { transaction });
    },

    async findOwnerId(rowId) {
      const row = await Session.findByPk(rowId, { attributes: ['userId'], raw: true, transaction });
      return row === null ? null : row.userId;
    },

    findRow: (rowId) => Session.findByPk(rowId, { raw: true, transaction }),

    lockRow: (rowId) => Session.findByPk(rowId, { raw: true, transaction, lock: Transaction.LOCK.UPDATE }),

    async markRotated(rowId, at) {
      await Session.update({ revokedAt: at, reason: 'rotated' }, { where: { id: rowId }, transaction });
    },

    async revokeLiveRows(filter, reason, at) {
      const where = {
        userId: filter.userId,
        revokedAt: null,
        ...(filter.familyId === undefined ? {} : { familyId: filter.familyId }),
        ...(filter.exceptFamilyId === undefined ? {} : { familyId: { [Op.ne]: filter.exceptFamilyId } }),
      };
      const live = await Session.findAll({
        where,
        attributes: ['id', 'familyId'],
        raw: true,
        transaction,
        lock: Transaction.LOCK.UPDATE,
      });
      if (live.length === 0) return [];
      await Session.update({ revokedAt: at, reason }, { where: { id: live.map((row) => row.id) }, transaction });
      return [...new Set(live.map((row) => row.familyId))];
    },

    async hasLiveRow(userId, familyId) {
      const where = { familyId, userId, revokedAt: null };
      const row = await Session.findOne({ where, attributes: ['id'], raw: true, transaction, lock });
      return row !== null;
    },

    findLiveRows: (userId, now) =>
      Session.findAll({ where: { userId, revokedAt: null, expiresAt: { [Op.gt]: now } }, raw: true, transaction }),

    async findStartTimes(familyIds) {
      const firsts = await Session.findAll({
        where: { familyId: familyIds, parentId: null },
        attributes: ['familyId', 'createdAt'],
        raw: true,
        transaction,
      });
      return new Map(firsts.map((row) => [row.familyId, row.createdAt]));
    },

    deleteExpired: (now, limit) =>
      Session.destroy({
        where: {
          expiresAt: { [Op.lte]: now },
          [Op.or]: [{ parentId: { [Op.ne]: null } }, { absoluteExpiresAt: { [Op.lte]: now } }],
        },
        limit,
        transaction,
      }),
  };
}
