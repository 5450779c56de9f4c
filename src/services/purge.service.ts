import { Op, QueryTypes } from 'sequelize';
import { BlockedToken, boundSequelize, Session } from '../models';
import { RATE_LIMIT_TABLE } from './rate-limit.service';

export interface PurgeResult {
  blockedTokens: number;
  sessions: number;
  rateLimits: number;
}

/** Rows per DELETE: small enough that no statement holds its locks for long. */
const PURGE_BATCH_SIZE = 5000;

/**
 * Deletes blocklist, refresh-token and rate-limit rows whose own expiry has passed, in batches,
 * and returns how many went. Such rows protect nothing: the token they describe is dead anyway.
 * Several instances may run this at once: each batch only deletes rows that are still there.
 */
export async function purgeExpired(now: Date = new Date(), batchSize: number = PURGE_BATCH_SIZE): Promise<PurgeResult> {
  const expired = { expiresAt: { [Op.lte]: now } };
  return {
    blockedTokens: await deleteInBatches(() => BlockedToken.destroy({ where: expired, limit: batchSize }), batchSize),
    sessions: await deleteInBatches(() => Session.destroy({ where: expired, limit: batchSize }), batchSize),
    rateLimits: await deleteInBatches(() => deleteExpiredRateLimits(now, batchSize), batchSize),
  };
}

/** rate_limits has no model (rate-limiter-flexible owns its rows); `expire` is epoch milliseconds. */
function deleteExpiredRateLimits(now: Date, batchSize: number): Promise<number> {
  return boundSequelize().query(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire <= ? LIMIT ?`, {
    replacements: [now.getTime(), batchSize],
    type: QueryTypes.BULKDELETE,
  });
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
