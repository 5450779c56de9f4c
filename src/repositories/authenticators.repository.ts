import type { Transaction } from 'sequelize';
import { Authenticator } from '../models';
import { insertOutcome, type InsertOutcome } from './insert-outcome';
import { exactly } from './exact-match';

/** A WebAuthn credential (passkey) of a user. */
export interface AuthenticatorRecord {
  credentialId: string;
  userId: number;
  providerAccountId: string;
  credentialPublicKey: string;
  counter: number;
  credentialDeviceType: string;
  credentialBackedUp: boolean;
  transports: string | null;
}

const FIELDS: (keyof AuthenticatorRecord)[] = [
  'credentialId',
  'userId',
  'providerAccountId',
  'credentialPublicKey',
  'counter',
  'credentialDeviceType',
  'credentialBackedUp',
  'transports',
];

/** The one place that reads and writes the `authenticators` table. */
export interface AuthenticatorsRepository {
  find(credentialId: string): Promise<AuthenticatorRecord | null>;
  findByUser(userId: number): Promise<AuthenticatorRecord[]>;
  /** Inserts the credential; false when its id is already registered. */
  insert(record: AuthenticatorRecord): Promise<InsertOutcome>;
  /** Sets the signature counter; false when there is no such credential. */
  setCounter(credentialId: string, counter: number): Promise<boolean>;
}

/** The authenticators repository, inside `transaction` when one is given. */
export function createAuthenticatorsRepository(transaction?: Transaction): AuthenticatorsRepository {
  const find = async (credentialId: string) => {
    // Not raw: the model turns MySQL's TINYINT back into a boolean.
    const row = await Authenticator.findByPk(credentialId, { attributes: FIELDS, transaction });
    return exactly(row === null ? null : row.get({ plain: true }), { credentialId });
  };
  return {
    find,

    async findByUser(userId) {
      const rows = await Authenticator.findAll({
        where: { userId },
        attributes: FIELDS,
        order: [['createdAt', 'ASC']],
        transaction,
      });
      return rows.map((row) => row.get({ plain: true }));
    },

    insert: (record) => insertOutcome(() => Authenticator.create(record, { transaction })),

    async setCounter(credentialId, counter) {
      // Found exactly first: the UPDATE's own WHERE would also take a key with trailing spaces.
      if ((await find(credentialId)) === null) return false;
      await Authenticator.update({ counter }, { where: { credentialId }, transaction });
      return true;
    },
  };
}
