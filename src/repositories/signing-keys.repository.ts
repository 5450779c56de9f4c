import { Op, type Transaction } from 'sequelize';
import { SigningKey } from '../models';

/** One row of `signing_keys`. */
export interface SigningKeyRow {
  kid: string;
  algorithm: string;
  publicJwk: string;
  privateKeyEncrypted: string;
  createdAt: Date;
  activatedAt: Date;
  retiredAt: Date | null;
}

/** The one place that reads and writes the `signing_keys` table. */
export interface SigningKeysRepository {
  /** Every key not retired, oldest activation first. */
  listUnretired(): Promise<SigningKeyRow[]>;
  findByKid(kid: string): Promise<SigningKeyRow | null>;
  insert(row: SigningKeyRow): Promise<void>;
  /** Marks these keys retired at `at` (those not retired already); returns the kids it retired. */
  retire(kids: readonly string[], at: Date): Promise<string[]>;
}

/** The signing-keys repository, inside `transaction` when one is given. */
export function createSigningKeysRepository(transaction?: Transaction): SigningKeysRepository {
  return {
    listUnretired: () =>
      SigningKey.findAll({ where: { retiredAt: null }, order: [['activatedAt', 'ASC']], raw: true, transaction }),

    findByKid: (kid) => SigningKey.findByPk(kid, { raw: true, transaction }),

    async insert(row) {
      await SigningKey.create(row, { transaction });
    },

    async retire(kids, at) {
      if (kids.length === 0) return [];
      const where = { kid: { [Op.in]: [...kids] }, retiredAt: null };
      const found = await SigningKey.findAll({ where, attributes: ['kid'], raw: true, transaction });
      await SigningKey.update({ retiredAt: at }, { where, transaction });
      return found.map(({ kid }) => kid);
    },
  };
}
