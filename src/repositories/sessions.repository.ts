import { Op, QueryTypes, Transaction, type Sequelize } from 'sequelize';
import type { StatementBatches } from '../db/statement-batches';
import { Session, type RevocationReason, type SessionEndReason } from '../models';
import { utcMilliseconds, utcSeconds } from './sql-values';
import type { UserRecord } from './users.repository';

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

/** What a refresh needs of the user whose lock it holds. */
export type SessionOwner = Pick<UserRecord, 'id' | 'tokenVersion' | 'disabledAt'>;

/** A refresh-token row and its owner, both locked. */
export interface LockedRow {
  owner: SessionOwner;
  row: RefreshTokenRow;
}

/** What a refresh decided once it held the locks: its value, and the rotation to commit, if any. */
export interface RotationPlan<T> {
  value: T;
  rotate: { parent: RefreshTokenRow; child: RefreshTokenRow; at: Date } | null;
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
  /** The row by a plain read, for a check that changes nothing (introspection). */
  findRow(rowId: string): Promise<RefreshTokenRow | null>;
  /**
   * The row and its owner, both locked in one statement, the owner first (the lock order of
   * UsersRepository.lock); null when there is no such row.
   */
  lockWithOwner(rowId: string): Promise<LockedRow | null>;
  /**
   * Retires `parent` (the caller holds its lock) as rotated at `at`, and inserts `child`, its
   * successor: one statement, one round trip.
   */
  rotate(parent: RefreshTokenRow, child: RefreshTokenRow, at: Date): Promise<void>;
  /**
   * Revokes the live rows of the matching sessions, found by a locking read (what counts is what is
   * committed now, not the transaction's snapshot); returns the ids of the sessions it ended.
   */
  revokeLiveRows(filter: SessionFilter, reason: RevocationReason, at: Date): Promise<string[]>;
  /** True while the user's session has a live row; inside a transaction, a locking read. */
  hasLiveRow(userId: number, familyId: string): Promise<boolean>;
  /** The live rows of a user that have not expired: one per live session. */
  findLiveRows(userId: number, now: Date): Promise<RefreshTokenRow[]>;
  /** How many live sessions the user has: live rows that have not expired. */
  countLive(userId: number, now: Date): Promise<number>;
  /** When the user last logged in: the start of their newest session still on record; null if none. */
  findLastLoginAt(userId: number): Promise<Date | null>;
  /** When each of these sessions started: the `createdAt` of its first row. */
  findStartTimes(familyIds: string[]): Promise<Map<string, Date>>;
  /**
   * Deletes up to `limit` rows past their own expiry; returns how many. A session's first row stays
   * until the session's absolute end: it is what says when the session started.
   */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/**
 * A refresh's common case in three round trips: START TRANSACTION with the locks of lockWithOwner,
 * the rotate of `rotate`, then COMMIT (see StatementBatches).
 */
export interface RefreshRotation {
  /**
   * Locks the row and its owner, as lockWithOwner does (null: no such row), and asks `plan`; commits
   * the rotation it answers with, or rolls back when it answers none or throws.
   */
  lockAndRotate<T>(rowId: string, plan: (locked: LockedRow | null) => RotationPlan<T>): Promise<T>;
}

// The statements of refresh, every one of its requests, are raw SQL: building model instances and
// queries cost more CPU than the round trips themselves (see docs/reference/benchmarks.md).
const COLUMN_ALIASES = [
  ['id', 'id'],
  ['family_id', 'familyId'],
  ['parent_id', 'parentId'],
  ['user_id', 'userId'],
  ['refresh_token_hash', 'refreshTokenHash'],
  ['created_at', 'createdAt'],
  ['last_used_at', 'lastUsedAt'],
  ['expires_at', 'expiresAt'],
  ['absolute_expires_at', 'absoluteExpiresAt'],
  ['revoked_at', 'revokedAt'],
  ['reason', 'reason'],
  ['ip', 'ip'],
  ['user_agent', 'userAgent'],
] as const;
/** The select list of a whole row of `sessions s` as a RefreshTokenRow. */
const ROW_COLUMNS = COLUMN_ALIASES.map(
  ([column, alias]) => `s.${column}${column === alias ? '' : ` AS ${alias}`}`,
).join(', ');
// One round trip for what used to be two, in the lock order users then sessions: the owner's id
// comes from a plain (snapshot) read of the row in the subquery, which locks nothing; STRAIGHT_JOIN
// then reads, and so locks, the owner's row before the session row. Both are locking reads, so
// after a wait for the owner's lock they see what the holder committed.
const LOCK_WITH_OWNER =
  'SELECT u.token_version AS ownerTokenVersion, u.disabled_at AS ownerDisabledAt, ' +
  `${ROW_COLUMNS} ` +
  'FROM users u STRAIGHT_JOIN sessions s ON s.user_id = u.id ' +
  'WHERE u.id = (SELECT user_id FROM sessions WHERE id = ?) AND s.id = ? FOR UPDATE';
const INSERT_INTO = `INSERT INTO sessions (${COLUMN_ALIASES.map(([column]) => column).join(', ')}) VALUES `;
const ROW_VALUES = `(${COLUMN_ALIASES.map(() => '?').join(', ')})`;
const INSERT_ROW = INSERT_INTO + ROW_VALUES;
// The parent's tuple is its existing row, so it is the duplicate that only its end is updated in;
// the IF keeps every other row as it is, should a new id ever collide with one.
const ROTATE =
  `${INSERT_INTO}${ROW_VALUES}, ${ROW_VALUES} ON DUPLICATE KEY UPDATE ` +
  "revoked_at = IF(id = ?, ?, revoked_at), reason = IF(id = ?, 'rotated', reason)";

/** A row's values in the column order of COLUMN_ALIASES, which INSERT_INTO names. */
const valuesOf = (row: RefreshTokenRow): (string | number | null)[] => [
  row.id,
  row.familyId,
  row.parentId,
  row.userId,
  row.refreshTokenHash,
  utcMilliseconds(row.createdAt),
  utcMilliseconds(row.lastUsedAt),
  utcSeconds(row.expiresAt),
  utcSeconds(row.absoluteExpiresAt),
  row.revokedAt === null ? null : utcMilliseconds(row.revokedAt),
  row.reason,
  row.ip,
  row.userAgent,
];

type RowWithOwner = RefreshTokenRow & { ownerTokenVersion: number; ownerDisabledAt: Date | null };

function lockedRowOf(found: RowWithOwner | undefined): LockedRow | null {
  if (found === undefined) return null;
  const { ownerTokenVersion, ownerDisabledAt, ...row } = found;
  return { owner: { id: row.userId, tokenVersion: ownerTokenVersion, disabledAt: ownerDisabledAt }, row };
}

const rotateValues = (parent: RefreshTokenRow, child: RefreshTokenRow, at: Date) => [
  ...valuesOf(child),
  ...valuesOf(parent),
  parent.id,
  utcMilliseconds(at),
  parent.id,
];

/** The refresh rotation over `batches`, the same statements as lockWithOwner and rotate. */
export function createRefreshRotation(batches: StatementBatches): RefreshRotation {
  return {
    lockAndRotate: (rowId, plan) =>
      batches.transaction({ sql: LOCK_WITH_OWNER, values: [rowId, rowId] }, (rows) => {
        // The columns of LOCK_WITH_OWNER, as lockWithOwner types Sequelize's answer to it.
        const { value, rotate } = plan(lockedRowOf(rows[0] as RowWithOwner | undefined));
        if (rotate === null) return { value, commitWith: null };
        return { value, commitWith: { sql: ROTATE, values: rotateValues(rotate.parent, rotate.child, rotate.at) } };
      }),
  };
}

/** The sessions repository, inside `transaction` when one is given. */
export function createSessionsRepository(sequelize: Sequelize, transaction?: Transaction): SessionsRepository {
  const lock = transaction === undefined ? undefined : Transaction.LOCK.UPDATE;
  return {
    async insert(row) {
      await sequelize.query(INSERT_ROW, { replacements: valuesOf(row), type: QueryTypes.INSERT, transaction });
    },

    findRow: (rowId) => Session.findByPk(rowId, { raw: true, transaction }),

    async lockWithOwner(rowId) {
      const [found] = await sequelize.query<RowWithOwner>(LOCK_WITH_OWNER, {
        replacements: [rowId, rowId],
        type: QueryTypes.SELECT,
        transaction,
      });
      return lockedRowOf(found);
    },

    async rotate(parent, child, at) {
      await sequelize.query(ROTATE, {
        replacements: rotateValues(parent, child, at),
        type: QueryTypes.INSERT,
        transaction,
      });
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

    countLive: (userId, now) =>
      Session.count({ where: { userId, revokedAt: null, expiresAt: { [Op.gt]: now } }, transaction }),

    async findLastLoginAt(userId) {
      const newest = await Session.findOne({
        where: { userId, parentId: null },
        attributes: ['createdAt'],
        order: [['createdAt', 'DESC']],
        raw: true,
        transaction,
      });
      return newest === null ? null : newest.createdAt;
    },

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
