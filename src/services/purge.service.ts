import { Op } from 'sequelize';
import { BlockedToken, Session } from '../models';

export interface PurgeResult {
  blockedTokens: number;
  sessions: number;
}

/** Rows per DELETE: small enough that no statement holds its locks for long. */
const PURGE_BATCH_SIZE = 5000;

/**
 * Deletes blocklist rows and refresh-token rows whose own expiry has passed, in batches, and
 * returns how many went. Such rows protect nothing: the token they describe is dead anyway.
 * Several instances may run this at once: each batch only deletes rows that are still there.
 */
export async function purgeExpired(now: Date = new Date(), batchSize: number = PURGE_BATCH_SIZE): Promise<PurgeResult> {
  const expired = { expiresAt: { [Op.lte]: now } };
  return {
    blockedTokens: await deleteInBatches(() => BlockedToken.destroy({ where: expired, limit: batchSize }), batchSize),
    sessions: await deleteInBatches(() => Session.destroy({ where: expired, limit: batchSize }), batchSize),
  };
}

/** Repeats a limited DELETE until a batch comes back short; returns the total deleted. */
async function deleteInBatches(deleteBatch: () => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
