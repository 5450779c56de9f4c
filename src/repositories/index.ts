import type { Sequelize, Transaction } from 'sequelize';
import { inTransaction } from '../db/transaction';
import { createAccountsRepository, type AccountsRepository } from './accounts.repository';
import { createAuditEventsRepository, type AuditEventsRepository } from './audit-events.repository';
import { createBlockedTokensRepository, type BlockedTokensRepository } from './blocked-tokens.repository';
import { createRateLimitsRepository, type RateLimitsRepository } from './rate-limits.repository';
import { createSessionsRepository, type SessionsRepository } from './sessions.repository';
import { createUsersRepository, type UsersRepository } from './users.repository';
import { createWebhookDeliveriesRepository, type WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/** Every table the services read and write, one repository each. */
export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  blockedTokens: BlockedTokensRepository;
  accounts: AccountsRepository;
  /** Written in the transaction of the change it records. */
  auditEvents: AuditEventsRepository;
  /** The webhook outbox, written in the transaction of the change it reports. */
  webhookDeliveries: WebhookDeliveriesRepository;
}

/** What `server.ts` hands the services: the repositories, and transactions over them. */
export interface Database extends Repositories {
  rateLimits: RateLimitsRepository;
  /**
   * Runs `work` in one transaction, with repositories bound to it; a deadlock runs it again (see
   * inTransaction), so `work` only touches them: caches learn of its changes after this resolves.
   */
  inTransaction<T>(work: (transaction: Repositories) => Promise<T>): Promise<T>;
}

function createRepositories(sequelize: Sequelize, transaction?: Transaction): Repositories {
  return {
    users: createUsersRepository(transaction),
    sessions: createSessionsRepository(transaction),
    blockedTokens: createBlockedTokensRepository(transaction),
    accounts: createAccountsRepository(transaction),
    auditEvents: createAuditEventsRepository(transaction),
    webhookDeliveries: createWebhookDeliveriesRepository(sequelize, transaction),
  };
}

/** The database behind the models initialised on `sequelize` (see initModels). */
export function createDatabase(sequelize: Sequelize): Database {
  return {
    ...createRepositories(sequelize),
    rateLimits: createRateLimitsRepository(sequelize),
    inTransaction: (work) =>
      inTransaction(sequelize, (transaction) => work(createRepositories(sequelize, transaction))),
  };
}

export type { AccountsRepository } from './accounts.repository';
export type { AuditEventRow, AuditEventsRepository, AuditFilter } from './audit-events.repository';
export type { BlockedTokenRow, BlockedTokensRepository } from './blocked-tokens.repository';
export type { RateLimitsRepository } from './rate-limits.repository';
export type { RefreshTokenRow, SessionFilter, SessionsRepository } from './sessions.repository';
export { USER_SORTS } from './users.repository';
export type { LockedUser, UserChanges, UserRecord, UserSearch, UserSort, UsersRepository } from './users.repository';
export type { DeliveryOutcome, WebhookDeliveriesRepository, WebhookDeliveryRow } from './webhook-deliveries.repository';
