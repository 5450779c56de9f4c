import { Op, Transaction } from 'sequelize';
import { OidcLogin } from '../models';

/** A started OpenID sign-in: what the callback must find bound to the browser. */
export interface OidcLoginRow {
  idHash: string;
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectTo: string;
  clientChallenge: string;
  expiresAt: Date;
  createdAt: Date;
}

/** The one place that reads and writes the `oidc_logins` table. */
export interface OidcLoginsRepository {
  insert(row: OidcLoginRow): Promise<void>;
  /**
   * Deletes the row and returns it, or null when there is none: the callback can use a binding once.
   * Run it in a transaction: the row is read under its lock, so of two concurrent callbacks one gets it.
   */
  take(idHash: string): Promise<OidcLoginRow | null>;
  /** Deletes up to `limit` rows past their expiry; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

/** The OIDC logins repository, inside `transaction` when one is given. */
export function createOidcLoginsRepository(transaction?: Transaction): OidcLoginsRepository {
  return {
    async insert(row) {
      await OidcLogin.create(row, { transaction });
    },

    async take(idHash) {
      const row = await OidcLogin.findByPk(idHash, { raw: true, transaction, lock: Transaction.LOCK.UPDATE });
      if (row === null) return null;
      await OidcLogin.destroy({ where: { idHash }, transaction });
      return row;
    },

    deleteExpired: (now, limit) => OidcLogin.destroy({ where: { expiresAt: { [Op.lte]: now } }, limit, transaction }),
  };
}
