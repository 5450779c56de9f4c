import type { Sequelize, Transaction } from 'sequelize';
import { batchesOf } from '../db/sequelize';
import { inTransaction } from '../db/transaction';
import { createAccountsRepository, type AccountsRepository } from './accounts.repository';
import { createAuditEventsRepository, type AuditEventsRepository } from './audit-events.repository';
import { createAuthenticatorsRepository, type AuthenticatorsRepository } from './authenticators.repository';
import { createAuthjsSessionsRepository, type AuthjsSessionsRepository } from './authjs-sessions.repository';
import { createBlockedTokensRepository, type BlockedTokensRepository } from './blocked-tokens.repository';
import { createEmailTokensRepository, type EmailTokensRepository } from './email-tokens.repository';
import { createOidcCodesRepository, type OidcCodesRepository } from './oidc-codes.repository';
import { createOidcLoginsRepository, type OidcLoginsRepository } from './oidc-logins.repository';
import { createRateLimitsRepository, type RateLimitsRepository } from './rate-limits.repository';
import {
  createRefreshRotation,
  createSessionsRepository,
  type RefreshRotation,
  type SessionsRepository,
} from './sessions.repository';
import { createSigningKeysRepository, type SigningKeysRepository } from './signing-keys.repository';
import { createUsersRepository, type UsersRepository } from './users.repository';
import {
  createVerificationTokensRepository,
  type VerificationTokensRepository,
} from './verification-tokens.repository';
import { createWebhookDeliveriesRepository, type WebhookDeliveriesRepository } from './webhook-deliveries.repository';

/** Every table the services read and write, one repository each. */
export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  blockedTokens: BlockedTokensRepository;
  accounts: AccountsRepository;
  /** Database sessions of Auth.js apps (see /adapter). */
  authjsSessions: AuthjsSessionsRepository;
  verificationTokens: VerificationTokensRepository;
  authenticators: AuthenticatorsRepository;
  /** Written in the transaction of the change it records. */
  auditEvents: AuditEventsRepository;
  /** The webhook outbox, written in the transaction of the change it reports. */
  webhookDeliveries: WebhookDeliveriesRepository;
  oidcLogins: OidcLoginsRepository;
  oidcCodes: OidcCodesRepository;
  /** Password-reset and email-verification tokens mailed to our own users. */
  emailTokens: EmailTokensRepository;
}

/** What `server.ts` hands the services: the repositories, and transactions over them. */
export interface Database extends Repositories {
  rateLimits: RateLimitsRepository;
  signingKeys: SigningKeysRepository;
  /** A refresh's lock and rotation in three round trips, a transaction of its own. */
  refreshRotation: RefreshRotation;
  /**
   * Runs `work` in one transaction, with repositories bound to it; a deadlock runs it again (see
   * inTransaction), so `work` only touches them: caches learn of its changes after this resolves.
   */
  inTransaction<T>(work: (transaction: Repositories) => Promise<T>): Promise<T>;
}

function createRepositories(sequelize: Sequelize, transaction?: Transaction): Repositories {
  return {
    users: createUsersRepository(transaction),
    sessions: createSessionsRepository(sequelize, transaction),
    blockedTokens: createBlockedTokensRepository(transaction),
    accounts: createAccountsRepository(transaction),
    authjsSessions: createAuthjsSessionsRepository(transaction),
    verificationTokens: createVerificationTokensRepository(transaction),
    authenticators: createAuthenticatorsRepository(transaction),
    auditEvents: createAuditEventsRepository(transaction),
    webhookDeliveries: createWebhookDeliveriesRepository(sequelize, transaction),
    oidcLogins: createOidcLoginsRepository(transaction),
    oidcCodes: createOidcCodesRepository(transaction),
    emailTokens: createEmailTokensRepository(transaction),
  };
}

/** The database behind the models initialised on `sequelize` (see initModels). */
export function createDatabase(sequelize: Sequelize): Database {
  return {
    ...createRepositories(sequelize),
    rateLimits: createRateLimitsRepository(sequelize),
    signingKeys: createSigningKeysRepository(),
    refreshRotation: createRefreshRotation(batchesOf(sequelize)),
    inTransaction: (work) =>
      inTransaction(sequelize, (transaction) => work(createRepositories(sequelize, transaction))),
  };
}

export type { AccountLink, AccountRecord, AccountsRepository, ProviderAccountKey } from './accounts.repository';
export type { AuditEventRow, AuditEventsRepository, AuditFilter } from './audit-events.repository';
export type { AuthenticatorRecord, AuthenticatorsRepository } from './authenticators.repository';
export type { AuthjsSessionRow, AuthjsSessionsRepository } from './authjs-sessions.repository';
export type { EmailTokenRow, EmailTokensRepository } from './email-tokens.repository';
export type { VerificationTokenRow, VerificationTokensRepository } from './verification-tokens.repository';
export type { OidcCodeRow, OidcCodesRepository } from './oidc-codes.repository';
export type { OidcLoginRow, OidcLoginsRepository } from './oidc-logins.repository';
export type { BlockedTokenRow, BlockedTokensRepository } from './blocked-tokens.repository';
export type { RateLimitsRepository } from './rate-limits.repository';
export type {
  LockedRow,
  RefreshRotation,
  RefreshTokenRow,
  RotationPlan,
  SessionFilter,
  SessionOwner,
  SessionsRepository,
} from './sessions.repository';
export type { SigningKeyRow, SigningKeysRepository } from './signing-keys.repository';
export { USER_SORTS } from './users.repository';
export type {
  LockedUser,
  UserChanges,
  UserProfile,
  UserRecord,
  UserSearch,
  UserSort,
  UsersRepository,
} from './users.repository';
export type { DeliveryOutcome, WebhookDeliveriesRepository, WebhookDeliveryRow } from './webhook-deliveries.repository';
