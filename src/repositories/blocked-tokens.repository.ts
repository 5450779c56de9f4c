import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import { BlockedToken, type RevocationReason } from '../models';

/** One blocklisted access token, kept until the token's own expiry. */
export interface BlockedTokenRow {
  jti: string;
  userId: number;
  expiresAt: Date;
  blockedAt: Date;
  reason: RevocationReason;
}

/** The one place that reads and writes the `blocked_tokens` table. */
export interface BlockedTokensRepository {
  isBlocked(jti: string): Promise<boolean>;
  /**
   * How many blocklisted tokens have not expired at `now`: a range on the `expires_at` index, so the
   * cost follows the live rows (logouts within one access-token lifetime), not the table size.
   */
  countLive(now: Date): Promise<number>;
  /** Adds the row; false when the jti is already there (the primary key decided a race). */
  insert(row: BlockedTokenRow): Promise<boolean>;
  /** Deletes up to `limit` rows past their expiry; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/** The blocked-tokens repository, inside `transaction` when one is given. */
export function createBlockedTokensRepository(transaction?: Transaction): BlockedTokensRepository {
  return {
    async isBlocked(jti) {
      const row = await BlockedToken.findByPk(jti, { attributes: ['jti'], raw: true, transaction });
      return row !== null;
    },

    countLive: (now) => BlockedToken.count({ where: { expiresAt: { [Op.gt]: now } }, transaction }),

    async insert(row) {
      try {
        await BlockedToken.create(row, { transaction });
        return true;
      } catch (error) {
        // Insert-and-catch, never check-then-insert: of concurrent revocations of one token one inserts.
        if (error instanceof UniqueConstraintError) return false;
        throw error;
      }
    },

    deleteExpired: (now, limit) =>
      BlockedToken.destroy({ where: { expiresAt: { [Op.lte]: now } }, limit, transaction }),
  };
}
