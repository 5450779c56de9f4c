import { Op, type Transaction } from 'sequelize';
import { EmailToken, type EmailTokenPurpose } from '../models';
import { insertOutcome, type InsertOutcome } from './insert-outcome';

/** A mailed token as stored: only the SHA-256 of the token itself. */
export interface EmailTokenRow {
  tokenHash: string;
  purpose: EmailTokenPurpose;
  userId: number;
  /** SHA-256 of the address it was mailed to (addressHash). */
  emailHash: string;
  expiresAt: Date;
}

/** The one place that reads and writes the `email_tokens` table. */
export interface EmailTokensRepository {
  /** 'missing' when the user was deleted meanwhile (the foreign key decided). */
  insert(row: EmailTokenRow): Promise<InsertOutcome>;
  /** The user a token of this purpose was mailed to, used, expired or not; null for an unknown token. */
  findOwnerId(tokenHash: string, purpose: EmailTokenPurpose): Promise<number | null>;
  /**
   * Marks the token used if it is still unused, unexpired at `now`, and was mailed to the address
   * whose hash is `emailHash` (the user's address now); true when this call did. The UPDATE decides:
   * of concurrent uses of one token, exactly one changes the row.
   */
  use(tokenHash: string, purpose: EmailTokenPurpose, emailHash: string, now: Date): Promise<boolean>;
  /** Marks every unused token of the user for `purpose` used: one reset retires the others. */
  useAllOf(userId: number, purpose: EmailTokenPurpose, now: Date): Promise<void>;
  /** Deletes up to `limit` tokens that are used or past their expiry; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/** The email-tokens repository, inside `transaction` when one is given. */
export function createEmailTokensRepository(transaction?: Transaction): EmailTokensRepository {
  return {
    insert: (row) => insertOutcome(() => EmailToken.create({ ...row, usedAt: null }, { transaction })),

    async findOwnerId(tokenHash, purpose) {
      const row = await EmailToken.findOne({ where: { tokenHash, purpose }, attributes: ['userId'], transaction });
      return row === null ? null : row.userId;
    },

    async use(tokenHash, purpose, emailHash, now) {
      const [changed] = await EmailToken.update(
        { usedAt: now },
        { where: { tokenHash, purpose, emailHash, usedAt: null, expiresAt: { [Op.gt]: now } }, transaction },
      );
      return changed === 1;
    },

    async useAllOf(userId, purpose, now) {
      await EmailToken.update({ usedAt: now }, { where: { userId, purpose, usedAt: null }, transaction });
    },

    deleteExpired: (now, limit) =>
      EmailToken.destroy({
        where: { [Op.or]: [{ expiresAt: { [Op.lte]: now } }, { usedAt: { [Op.ne]: null } }] },
        limit,
        transaction,
      }),
  };
}
