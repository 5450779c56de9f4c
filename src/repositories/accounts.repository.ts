import type { Transaction } from 'sequelize';
import { Account } from '../models';
import { insertOutcome, type InsertOutcome } from './insert-outcome';

/** A provider link as the services see it: plain data, no model instance. */
export interface AccountRecord {
  userId: number;
  type: string;
  provider: string;
  providerAccountId: string;
  refreshToken: string | null;
  accessToken: string | null;
  /** Seconds since the epoch. */
  expiresAt: number | null;
  tokenType: string | null;
  scope: string | null;
  idToken: string | null;
  sessionState: string | null;
  /** Further fields the provider added, kept as given. */
  extra: Record<string, string | number | boolean | null> | null;
}

/** An account by the provider's name and the id the provider gives the user. */
export interface ProviderAccountKey {
  provider: string;
  providerAccountId: string;
}

const FIELDS: (keyof AccountRecord)[] = [
  'userId',
  'type',
  'provider',
  'providerAccountId',
  'refreshToken',
  'accessToken',
  'expiresAt',
  'tokenType',
  'scope',
  'idToken',
  'sessionState',
  'extra',
];

/** The one place that reads and writes the `accounts` table. */
export interface AccountsRepository {
  find(key: ProviderAccountKey): Promise<AccountRecord | null>;
  /** Inserts the link; false when the provider account is already linked (the unique index decided). */
  insert(account: AccountRecord): Promise<InsertOutcome>;
  /** Deletes the link; the user stays. */
  delete(key: ProviderAccountKey): Promise<void>;
}

/** The accounts repository, inside `transaction` when one is given. */
export function createAccountsRepository(transaction?: Transaction): AccountsRepository {
  return {
    async find({ provider, providerAccountId }) {
      const row = await Account.findOne({ where: { provider, providerAccountId }, attributes: FIELDS, transaction });
      return row === null ? null : row.get({ plain: true });
    },

    insert: (account) => insertOutcome(() => Account.create(account, { transaction })),

    async delete({ provider, providerAccountId }) {
      await Account.destroy({ where: { provider, providerAccountId }, transaction });
    },
  };
}
