import { QueryTypes, type Sequelize } from 'sequelize';

/** Created by a migration; the limiters never create or alter it. */
export const RATE_LIMIT_TABLE = 'rate_limits';

/** The `rate_limits` table: rate-limiter-flexible owns its rows; we only purge them. */
export interface RateLimitsRepository {
  /** Deletes up to `limit` counters whose window ended by `now`; returns how many. */
  deleteExpired(now: Date, limit: number): Promise<number>;
}

export function createRateLimitsRepository(sequelize: Sequelize): RateLimitsRepository {
  return {
    // No model: `expire` is epoch milliseconds, as rate-limiter-flexible writes it.
    deleteExpired: (now, limit) =>
      sequelize.query(`DELETE FROM ${RATE_LIMIT_TABLE} WHERE expire <= ? LIMIT ?`, {
        replacements: [now.getTime(), limit],
        type: QueryTypes.BULKDELETE,
      }),
  };
}
