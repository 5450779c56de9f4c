import { ForeignKeyConstraintError, UniqueConstraintError } from 'sequelize';

/** What became of an insert the database's keys decide: done, key taken, or the row it references gone. */
export type InsertOutcome = 'inserted' | 'taken' | 'missing';

/**
 * Runs `write`, letting the unique and foreign keys decide races (insert-and-catch, never
 * check-then-insert): a duplicate is 'taken', a reference to a deleted user 'missing'.
 */
export async function insertOutcome(write: () => Promise<unknown>): Promise<InsertOutcome> {
  try {
    await write();
    return 'inserted';
  } catch (error) {
    if (error instanceof UniqueConstraintError) return 'taken';
    if (error instanceof ForeignKeyConstraintError) return 'missing';
    throw error;
  }
}
