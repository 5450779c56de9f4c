import type { Transaction } from 'sequelize';
import { Account } from '../models';

/** What the admin API reads of `accounts` (a user's links to providers); never the provider's tokens. */
export interface AccountsRepository {
  /** The providers a user is linked to, by name, sorted. */
  findProviders(userId: number): Promise<string[]>;
}

/** The accounts repository, inside `transaction` when one is given. */
export function createAccountsRepository(transaction?: Transaction): AccountsRepository {
  return {
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
  };
}
