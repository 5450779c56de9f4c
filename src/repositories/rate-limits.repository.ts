import { QueryTypes, type Sequelize } from 'sequelize';
import type { StatementBatches } from '../db/statement-batches';

/** Created by a migration; the limiters never create or alter it. */
export const RATE_LIMIT_TABLE = 'rate_limits';

/** The `rate_limits` table: rate-limiter-flexible's rows, counted through RateLimitCounters; we also purge them. */
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

/** A counter's row as it stands after a change: its points, and when its window ends (epoch ms, null for never). */
export interface CounterRow {
  points: number;
  expire: number | null;
}

/** A change to one counter of `rate_limits`, in rate-limiter-flexible's terms (its `_upsert`). */
export interface CounterChange {
  key: string;
  /** Added to the points; negative gives attempts back. */
  points: number;
  /** How long a window that starts now lasts; 0 for one that never ends. */
  msDuration: number;
  /** Starts a new window whatever the current one, with `points` as its count. */
  forceExpire: boolean;
}

export interface RateLimitCounters {
  /** Applies `change` atomically and reads back the row it left, in one round trip. */
  change(change: CounterChange): Promise<CounterRow>;
}

/**
 * The counters of rate-limiter-flexible's MySQL limiter in one round trip instead of its four
 * (BEGIN, upsert, SELECT, COMMIT), which cost a refresh more server CPU than its rotation.
 * The upsert hands its new count to LAST_INSERT_ID(), which belongs to this connection alone: the
 * read-back is that count even when other instances count the same key at the same time, so exactly
 * one attempt of a window sees the limit reached, as inside the library's transaction.
 */
export function createRateLimitCounters(batches: StatementBatches): RateLimitCounters {
  // A new window (the row is new, its window is over, or forceExpire) starts at `points`; else they
  // add up. Never below 0: a refund cannot give more than a fresh window. `expire` is assigned last,
  // so every test of it sees the old window. LAST_INSERT_ID is unsigned, hence the floor at 0 as well.
  const sql =
    `INSERT INTO ${RATE_LIMIT_TABLE} (\`key\`, points, expire) VALUES (?, LAST_INSERT_ID(GREATEST(?, 0)), ?) ` +
    'ON DUPLICATE KEY UPDATE points = LAST_INSERT_ID(GREATEST(IF(? OR expire <= ?, ?, points + ?), 0)), ' +
    'expire = IF(? OR expire <= ?, ?, expire); ' +
    // The read-back is one row even if a purge took the counter in between (its window just ended).
    `SELECT LAST_INSERT_ID() AS points, (SELECT expire FROM ${RATE_LIMIT_TABLE} WHERE \`key\` = ?) AS expire`;
  return {
    async change({ key, points, msDuration, forceExpire }) {
      const now = Date.now();
      const expire = msDuration > 0 ? now + msDuration : null;
      const results = await batches.autocommit({
        sql,
        values: [key, points, expire, forceExpire, now, points, points, forceExpire, now, expire, key],
      });
      return counterRow(results[results.length - 1]);
    },
  };
}

/** The one row of the read-back, checked: mysql2 hands it over untyped. */
function counterRow(rows: unknown): CounterRow {
  const row: unknown = Array.isArray(rows) ? rows[0] : undefined;
  if (typeof row !== 'object' || row === null || !('points' in row) || !('expire' in row)) {
    throw new Error('unexpected rate_limits read-back');
  }
  return { points: Number(row.points), expire: row.expire === null ? null : Number(row.expire) };
}
