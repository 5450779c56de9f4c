import { Op, Transaction } from 'sequelize';
import { OidcCode } from '../models';
import { insertOutcome, type InsertOutcome } from './insert-outcome';

/** A one-time code waiting to be exchanged for a session. */
export interface OidcCodeRow {
  codeHash: string;
  userId: number;
  clientChallenge: string;
  expiresAt: Date;
  createdAt: Date;
}

/** The one place that reads and writes the `oidc_codes` table. */
export interface OidcCodesRepository {
  /** 'missing' when the user was deleted meanwhile (the foreign key decided). */
  insert(row: OidcCodeRow): Promise<InsertOutcome>;
  /**
   * Deletes the row and returns it, or null when there is none: a code is used once. Run it in a
   * transaction: the row is read under its lock, so of two concurrent exchanges one gets it.
   */
  take(codeHash: string): Promise<OidcCodeRow | null>;
  /** Deletes up to `limit` rows past their expiry; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/** The OIDC codes repository, inside `transaction` when one is given. */
export function createOidcCodesRepository(transaction?: Transaction): OidcCodesRepository {
  return {
    insert: (row) => insertOutcome(() => OidcCode.create(row, { transaction })),

    async take(codeHash) {
      const row = await OidcCode.findByPk(codeHash, { raw: true, transaction, lock: Transaction.LOCK.UPDATE });
      if (row === null) return null;
      await OidcCode.destroy({ where: { codeHash }, transaction });
      return row;
    },

    deleteExpired: (now, limit) => OidcCode.destroy({ where: { expiresAt: { [Op.lte]: now } }, limit, transaction }),
  };
}
