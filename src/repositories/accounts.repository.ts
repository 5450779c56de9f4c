import { UniqueConstraintError, type Transaction } from 'sequelize';
import { Account } from '../models';

/** A user's link to an account at a provider, as the services see it. */
export interface AccountLink {
  userId: number;
  type: string;
  provider: string;
  providerAccountId: string;
  createdAt: Date;
}

const FIELDS: (keyof AccountLink)[] = ['userId', 'type', 'provider', 'providerAccountId', 'createdAt'];

/** The one place that reads and writes the `accounts` table (shared with the Auth.js adapter). */
export interface AccountsRepository {
  findByProviderAccount(provider: string, providerAccountId: string): Promise<AccountLink | null>;
  /** The user's links, oldest first. */
  listForUser(userId: number): Promise<AccountLink[]>;
  /** Inserts a link; false when (provider, providerAccountId) is already linked (the unique index decided). */
  insert(link: Pick<AccountLink, 'userId' | 'type' | 'provider' | 'providerAccountId'>): Promise<boolean>;
  /** Deletes the user's links to `provider`; returns how many. */
  deleteForUser(userId: number, provider: string): Promise<number>;
}

/** The accounts repository, inside `transaction` when one is given. */
export function createAccountsRepository(transaction?: Transaction): AccountsRepository {
  return {
    findByProviderAccount: (provider, providerAccountId) =>
      Account.findOne({ where: { provider, providerAccountId }, attributes: FIELDS, raw: true, transaction }),

    listForUser: (userId) =>
      Account.findAll({ where: { userId }, attributes: FIELDS, order: [['id', 'ASC']], raw: true, transaction }),

    async insert(link) {
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
