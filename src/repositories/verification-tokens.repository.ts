import { Op, type Transaction } from 'sequelize';
import { VerificationToken } from '../models';
import { insertOutcome, type InsertOutcome } from './insert-outcome';
import { exactly } from './exact-match';

/** An Auth.js email sign-in token; only the SHA-256 of the token is stored. */
export interface VerificationTokenRow {
  identifier: string;
  tokenHash: string;
  expires: Date;
}

/** The one place that reads and writes the `verification_tokens` table. */
export interface VerificationTokensRepository {
  /** Inserts the token; false when the same identifier and token already exist. */
  insert(row: VerificationTokenRow): Promise<InsertOutcome>;
  /**
   * Deletes the token and returns it; null when there is none. Of concurrent uses, the one whose
   * DELETE removed the row gets it: a token is used once.
   */
  take(identifier: string, tokenHash: string): Promise<VerificationTokenRow | null>;
  /** Deletes every token of the identifier (an email address). */
  deleteByIdentifier(identifier: string): Promise<void>;
  /** Deletes up to `limit` tokens past their expiry; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/** The verification-tokens repository, inside `transaction` when one is given. */
export function createVerificationTokensRepository(transaction?: Transaction): VerificationTokensRepository {
  return {
    insert: (row) => insertOutcome(() => VerificationToken.create(row, { transaction })),

    async take(identifier, tokenHash) {
      const where = { identifier, tokenHash };
      const row = exactly(await VerificationToken.findOne({ where, raw: true, transaction }), where);
      if (row === null) return null;
      // The DELETE decides: of two concurrent uses, only one removes the row.
      const deleted = await VerificationToken.destroy({ where, transaction });
      return deleted === 1 ? row : null;
    },

    async deleteByIdentifier(identifier) {
      const rows = await VerificationToken.findAll({ where: { identifier }, raw: true, transaction });
      const tokenHash = rows.filter((row) => exactly(row, { identifier }) !== null).map((row) => row.tokenHash);
      if (tokenHash.length > 0) await VerificationToken.destroy({ where: { identifier, tokenHash }, transaction });
    },

    deleteExpired: (now, limit) =>
      VerificationToken.destroy({ where: { expires: { [Op.lte]: now } }, limit, transaction }),
  };
}
