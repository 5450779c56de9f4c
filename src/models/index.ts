import { setTimeout as sleep } from 'node:timers/promises';
import type { Sequelize, Transaction } from 'sequelize';
import { isLockConflict } from '../db/lock-conflict';
import { Account } from './account.model';
import { BlockedToken } from './blocked-token.model';
import { Session } from './session.model';
import { User } from './user.model';

export { Account, BlockedToken, Session, User };
export type { SessionEndReason } from './session.model';
export type { RevocationReason } from './blocked-token.model';
export type { Role } from './user.model';

/** Initialises every model on `sequelize`, then their associations. */
export function initModels(sequelize: Sequelize): void {
  User.initialise(sequelize);
  BlockedToken.initialise(sequelize);
  Session.initialise(sequelize);
  Account.initialise(sequelize);
  User.hasMany(BlockedToken, { foreignKey: 'userId', onDelete: 'CASCADE' });
  BlockedToken.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(Session, { foreignKey: 'userId', onDelete: 'CASCADE' });
  Session.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(Account, { foreignKey: 'userId', onDelete: 'CASCADE' });
  Account.belongsTo(User, { foreignKey: 'userId' });
}

/** The Sequelize instance the models were initialised on. */
export function boundSequelize(): Sequelize {
  const { sequelize } = User;
  if (sequelize === undefined) throw new Error('models are not initialised: call initModels first');
  return sequelize;
}

/** How many times a transaction runs before a lock conflict reaches the caller (as 503). */
export const LOCK_CONFLICT_ATTEMPTS = 4;
/** The first retry waits up to this long; each further one up to twice as long as the last. */
const LOCK_CONFLICT_BACKOFF_MS = 15;

/**
 * Runs `work` in one database transaction: committed if it resolves, rolled back if it throws.
 * A deadlock or lock-wait timeout rolls the whole transaction back, so `work` runs again from the
 * start, up to LOCK_CONFLICT_ATTEMPTS times; `work` must therefore only touch the database (no
 * caches, no counters: do those after this resolves). The wait before each retry is random (full
 * jitter), so the transactions that collided do not collide again in step.
 */
export async function inTransaction<T>(work: (transaction: Transaction) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await boundSequelize().transaction(work);
    } catch (error) {
      if (!isLockConflict(error) || attempt >= LOCK_CONFLICT_ATTEMPTS) throw error;
      await sleep(Math.random() * LOCK_CONFLICT_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}

/** What a transaction may rely on once it holds the user row's lock. */
export type LockedUser = Pick<User, 'id' | 'passwordHash' | 'tokenVersion'>;

/**
 * THE LOCK ORDER. Every transaction that changes a user's sessions, or reads them to decide a
 * change, takes its locks in one order: first the user row (this function: SELECT … FOR UPDATE),
 * then that user's `sessions` rows (and `blocked_tokens` rows), never the other way round. Login,
 * signup (whose INSERT holds the new row), refresh and reuse detection, logout of every scope, the
 * revocation of one session and password change all do. Two such transactions of one user
 * therefore run one after the other: they cannot deadlock on each other, and a revocation sees the
 * successor row a refresh committed before it (and ends it), or commits first and the refresh finds
 * its row revoked. So a revocation answered 200 wins over every refresh that commits after it.
 *
 * Reads after the lock that decide anything must be locking reads (`lock` in the query), or they
 * may see the snapshot taken before the lock was granted. Returns null when the user is gone.
 */
export function lockUser(userId: number, transaction: Transaction): Promise<LockedUser | null> {
  return User.findByPk(userId, {
    attributes: ['id', 'passwordHash', 'tokenVersion'],
    raw: true,
    transaction,
    lock: transaction.LOCK.UPDATE,
  });
}
