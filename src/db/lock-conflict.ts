import { DatabaseError } from 'sequelize';

/** ER_LOCK_DEADLOCK: InnoDB picked this transaction as the victim of a deadlock and rolled it back. */
const ER_LOCK_DEADLOCK = 1213;
/** ER_LOCK_WAIT_TIMEOUT: a row lock was not granted within innodb_lock_wait_timeout (MariaDB: or at once, under NOWAIT). */
const ER_LOCK_WAIT_TIMEOUT = 1205;

/**
 * True when MySQL failed a statement because of another transaction's locks, not because of the
 * statement itself: the whole transaction, run again, can succeed.
 */
export function isLockConflict(error: unknown): boolean {
  if (!(error instanceof DatabaseError)) return false;
  const cause: unknown = error.parent;
  if (typeof cause !== 'object' || cause === null || !('errno' in cause)) return false;
  return cause.errno === ER_LOCK_DEADLOCK || cause.errno === ER_LOCK_WAIT_TIMEOUT;
}
