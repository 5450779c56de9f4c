import type { Sequelize, Transaction } from 'sequelize';
import { inTransaction } from '../db/transaction';
import { createAccountsRepository, type AccountsRepository } from './accounts.repository';
import { createBlockedTokensRepository, type BlockedTokensRepository } from './blocked-tokens.repository';
import { createOidcCodesRepository, type OidcCodesRepository } from './oidc-codes.repository';
import { createOidcLoginsRepository, type OidcLoginsRepository } from './oidc-logins.repository';
import { createRateLimitsRepository, type RateLimitsRepository } from './rate-limits.repository';
import { createSessionsRepository, type SessionsRepository } from './sessions.repository';
import { createSigningKeysRepository, type SigningKeysRepository } from './signing-keys.repository';
import { createUsersRepository, type UsersRepository } from './users.repository';

/** Every table the services read and write, one repository each. */
export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  blockedTokens: BlockedTokensRepository;
  accounts: AccountsRepository;
  oidcLogins: OidcLoginsRepository;
  oidcCodes: OidcCodesRepository;
}

/** What `server.ts` hands the services: the repositories, and transactions over them. */
export interface Database extends Repositories {
  rateLimits: RateLimitsRepository;
  signingKeys: SigningKeysRepository;
  /**
   * Runs `work` in one transaction, with repositories bound to it; a deadlock runs it again (see
   * inTransaction), so `work` only touches them: caches learn of its changes after this resolves.
   */
  inTransaction<T>(work: (transaction: Repositories) => Promise<T>): Promise<T>;
}

function createRepositories(transaction?: Transaction): Repositories {
  return {
    users: createUsersRepository(transaction),
    sessions: createSessionsRepository(transaction),
    blockedTokens: createBlockedTokensRepository(transaction),
    accounts: createAccountsRepository(transaction),
    oidcLogins: createOidcLoginsRepository(transaction),
    oidcCodes: createOidcCodesRepository(transaction),
  };
}

/** The database behind the models initialised on `sequelize` (see initModels). */
export function createDatabase(sequelize: Sequelize): Database {
  return {
    ...createRepositories(),
    rateLimits: createRateLimitsRepository(sequelize),
    signingKeys: createSigningKeysRepository(),
    inTransaction: (work) => inTransaction(sequelize, (transaction) => work(createRepositories(transaction))),
  };
}

export type { AccountLink, AccountsRepository } from './accounts.repository';
export type { OidcCodeRow, OidcCodesRepository } from './oidc-codes.repository';
export type { OidcLoginRow, OidcLoginsRepository } from './oidc-logins.repository';
export type { BlockedTokenRow, BlockedTokensRepository } from './blocked-tokens.repository';
export type { RateLimitsRepository } from './rate-limits.repository';
export type { RefreshTokenRow, SessionFilter, SessionsRepository } from './sessions.repository';
export type { SigningKeyRow, SigningKeysRepository } from './signing-keys.repository';
export type { LockedUser, UserRecord, UsersRepository } from './users.repository';
