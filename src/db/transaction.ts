import { setTimeout as sleep } from 'node:timers/promises';
import type { Sequelize, Transaction } from 'sequelize';
import { isLockConflict } from './lock-conflict';

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
export async function inTransaction<T>(
  sequelize: Sequelize,
  work: (transaction: Transaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sequelize.transaction(work);
    } catch (error) {
      if (!isLockConflict(error) || attempt >= LOCK_CONFLICT_ATTEMPTS) throw error;
      await sleep(Math.random() * LOCK_CONFLICT_BACKOFF_MS * 2 ** (attempt - 1));
    }
  }
}
