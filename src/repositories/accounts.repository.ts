import { UniqueConstraintError, type Transaction } from 'sequelize';
import { Account } from '../models';
import { exactly } from './exact-match';
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

/** A user's link to an account at a provider, as sign-in and the linked-accounts list see it. */
export interface AccountLink {
  userId: number;
  type: string;
  provider: string;
  providerAccountId: string;
  createdAt: Date;
}

const LINK_FIELDS: (keyof AccountLink)[] = ['userId', 'type', 'provider', 'providerAccountId', 'createdAt'];

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
  /** The providers a user is linked to, by name, sorted (for the admin API: never the tokens). */
  findProviders(userId: number): Promise<string[]>;
  findByProviderAccount(provider: string, providerAccountId: string): Promise<AccountLink | null>;
  /** The user's links, oldest first. */
  listForUser(userId: number): Promise<AccountLink[]>;
  /** Links a provider identity (OpenID sign-in); false when it is already linked (the unique index decided). */
  link(link: Pick<AccountLink, 'userId' | 'type' | 'provider' | 'providerAccountId'>): Promise<boolean>;
  /** Deletes the user's links to `provider`; returns how many. */
  deleteForUser(userId: number, provider: string): Promise<number>;
}

/** The accounts repository, inside `transaction` when one is given. */
export function createAccountsRepository(transaction?: Transaction): AccountsRepository {
  return {
    async find({ provider, providerAccountId }) {
      const row = await Account.findOne({ where: { provider, providerAccountId }, attributes: FIELDS, transaction });
      return exactly(row === null ? null : row.get({ plain: true }), { provider, providerAccountId });
    },

    insert: (account) => insertOutcome(() => Account.create(account, { transaction })),

    async delete({ provider, providerAccountId }) {
      const where = { provider, providerAccountId };
      const row = await Account.findOne({
        where,
        attributes: ['id', 'provider', 'providerAccountId'],
        raw: true,
        transaction,
      });
      // Only the link asked for, never one whose key merely collates equal (exact-match.ts).
      const exact = exactly(row, where);
      if (exact !== null) await Account.destroy({ where: { id: exact.id }, transaction });
    },

    async findProviders(userId) {
      const rows = await Account.findAll({
        where: { userId },
        attributes: ['provider'],
        order: [['provider', 'ASC']],
        raw: true,
        transaction,
      });
      return [...new Set(rows.map((row) => row.provider))];
    },

    findByProviderAccount: async (provider, providerAccountId) =>
      exactly(
        await Account.findOne({
          where: { provider, providerAccountId },
          attributes: LINK_FIELDS,
          raw: true,
          transaction,
        }),
        { provider, providerAccountId },
      ),

    listForUser: (userId) =>
      Account.findAll({ where: { userId }, attributes: LINK_FIELDS, order: [['id', 'ASC']], raw: true, transaction }),

    async link(link) {
      try {
        await Account.create(link, { transaction });
        return true;
      } catch (error) {
        // Insert-and-catch: of two concurrent first sign-ins of one identity, one links it.
        if (error instanceof UniqueConstraintError) return false;
        throw error;
      }
    },

    deleteForUser: (userId, provider) => Account.destroy({ where: { userId, provider }, transaction }),
  };
}
