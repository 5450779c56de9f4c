import mysql, { type SslOptions } from 'mysql2';
import { DatabaseError } from 'sequelize';
import type { Config } from '../config';
import { cutUnlessDoneWithin, mysqlTimeoutError } from './query-watchdog';

/** Some SQL, one statement or several separated by `;`, with its `?` placeholders' values. */
export interface Batch {
  sql: string;
  values: readonly unknown[];
}

/** What the work of a batched transaction decided: its value, and the batch to commit, if any. */
export interface BatchOutcome<T> {
  value: T;
  /** Sent, then COMMIT; null writes nothing and rolls back. */
  commitWith: Batch | null;
}

/**
 * Transactions in three round trips: START TRANSACTION with the first batch, the last batch, then
 * COMMIT. For the one path where round trips are most of the cost (a refresh, see
 * docs/reference/benchmarks.md); everything else goes through Sequelize.
 */
export interface StatementBatches {
  /**
   * Starts a transaction with `first` and hands `work` the rows of its last statement; sends the
   * batch `work` returns and commits, or rolls back when it returns none or throws. Errors of MySQL reach
   * the caller as Sequelize's DatabaseError, so they are told apart (lock conflict, lost
   * connection) as every other query's.
   */
  transaction<T>(first: Batch, work: (rows: unknown[]) => Promise<BatchOutcome<T>> | BatchOutcome<T>): Promise<T>;
  /**
   * Sends `batch`, of several statements, in one round trip outside any transaction, so each
   * statement commits as it runs, and hands back each statement's result in order. For a single
   * atomic write read back in the same query (a counter), where a transaction would cost two more
   * round trips.
   */
  autocommit(batch: Batch): Promise<unknown[]>;
  /** Calls `listener` with the SQL of every batch sent, until the returned function is called. */
  observe(listener: (sql: string) => void): () => void;
  /** Closes every connection; the next transaction opens new ones. */
  close(): Promise<void>;
}

/** Where to connect: the server, account and database Sequelize connects to, as it parsed them. */
export interface BatchTarget {
  host: string | undefined;
  port: number | undefined;
  user: string;
  password: string | undefined;
  database: string;
  /** As Sequelize's connections: see mysqlSsl. */
  ssl: SslOptions | undefined;
}

interface PoolSettings {
  target: BatchTarget;
  databasePool: Config['databasePool'];
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** As Sequelize's DatabaseError, what the rest of the server classifies errors of MySQL by. */
function asDatabaseError(error: unknown, sql: string): DatabaseError {
  if (error instanceof DatabaseError) return error;
  return new DatabaseError(Object.assign(asError(error), { sql }));
}

/** True when mysql2 left the connection dead (lost, reset, or cut by a timeout). */
const isFatal = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'fatal' in error && error.fatal === true;

/** True for a batch's error that left MySQL out of reach (no connection, lost, cut by a timeout), not an answer of MySQL. */
export const isOutageError = (error: unknown): boolean => error instanceof DatabaseError && isFatal(error.parent);

/** True for an error of MySQL or of the connection to it, not a verdict of the work in between. */
const isMysqlError = (error: unknown): boolean => isFatal(error) || (error instanceof Error && 'sqlState' in error);

/** Batches on a pool of their own, opened on first use, with Sequelize's bounds on every wait. */
export function createStatementBatches({ target, databasePool }: PoolSettings): StatementBatches {
  const { maxConnections, connectTimeoutMs, acquireTimeoutMs, queryTimeoutMs } = databasePool;
  const listeners = new Set<(sql: string) => void>();
  let pool: mysql.Pool | null = null;

  const openPool = (): mysql.Pool =>
    mysql.createPool({
      ...target,
      // Several statements per query, on this pool only: its SQL is fixed text with `?` placeholders,
      // which mysql2 escapes, so no request can add a statement of its own.
      multipleStatements: true,
      // Dates read and written as UTC, as Sequelize's connections do (timezone +00:00).
      timezone: 'Z',
      connectionLimit: maxConnections,
      maxIdle: maxConnections,
      idleTimeout: 10_000,
      connectTimeout: connectTimeoutMs,
    });

  /** A connection within DB_ACQUIRE_TIMEOUT_MS, as Sequelize's pool bounds its waits. */
  async function acquire(): Promise<mysql.PoolConnection> {
    const from = (pool ??= openPool());
    const pending = new Promise<mysql.PoolConnection>((resolve, reject) => {
      from.getConnection((error, connection) => {
        if (error === null) resolve(connection);
        else reject(error);
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        // Given back when it comes, so a late connection is not lost to the pool.
        pending.then(
          (late) => {
            late.release();
          },
          () => undefined,
        );
        reject(mysqlTimeoutError('no MySQL connection was free', acquireTimeoutMs));
      }, acquireTimeoutMs);
    });
    try {
      return await Promise.race([pending, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  // mysql2's callback API, not its promise wrapper, which captures a stack trace at every query.
  function send(connection: mysql.PoolConnection, { sql, values }: Batch): Promise<unknown[]> {
    for (const listener of listeners) listener(sql);
    // Bounded as every Sequelize query is (watchQueries): a frozen MySQL cannot hang a request.
    const done = cutUnlessDoneWithin(connection, queryTimeoutMs);
    return new Promise((resolve, reject) => {
      connection.query({ sql, values: [...values] }, (error, results) => {
        done();
        if (error !== null) reject(error);
        else resolve(Array.isArray(results) ? results : [results]);
      });
    });
  }

  /** A connection, or the DatabaseError of a lost connection: whatever kept us from one, MySQL is out of reach for now. */
  async function connectionFor(sql: string): Promise<mysql.PoolConnection> {
    try {
      return await acquire();
    } catch (error) {
      throw asDatabaseError(Object.assign(asError(error), { fatal: true }), sql);
    }
  }

  return {
    async transaction(first, work) {
      const connection = await connectionFor(first.sql);
      let sql = `START TRANSACTION; ${first.sql}`;
      try {
        const started = await send(connection, { sql, values: first.values });
        const rows = started[started.length - 1];
        const outcome = await work(Array.isArray(rows) ? rows : []);
        if (outcome.commitWith === null) {
          sql = 'ROLLBACK';
          await send(connection, { sql, values: [] });
        } else {
          sql = outcome.commitWith.sql;
          await send(connection, outcome.commitWith);
          // COMMIT on its own, never in the write's query: sent together, of two conflicting
          // transactions on different Galera nodes, the loser was told ER_LOCK_DEADLOCK or
          // ER_DUP_ENTRY while its writes were committed (MariaDB 10.11: 2 races in 60 with plain
          // mysql2, 0 in 60 with COMMIT on its own, where certification refuses the second).
          sql = 'COMMIT';
          await send(connection, { sql, values: [] });
        }
        connection.release();
        return outcome.value;
      } catch (error) {
        if (isFatal(error)) {
          connection.destroy();
        } else {
          // The transaction may still be open (a failed statement rolls back only itself): end it, or drop the connection.
          await send(connection, { sql: 'ROLLBACK', values: [] }).then(
            () => {
              connection.release();
            },
            () => {
              connection.destroy();
            },
          );
        }
        // The work's own verdicts (AppError) pass as they are; only MySQL's errors are wrapped.
        throw isMysqlError(error) ? asDatabaseError(error, sql) : error;
      }
    },

    async autocommit(batch) {
      const connection = await connectionFor(batch.sql);
      try {
        const results = await send(connection, batch);
        connection.release();
        return results;
      } catch (error) {
        // No transaction to end: a failed statement undid only itself, and later ones did not run.
        if (isFatal(error)) connection.destroy();
        else connection.release();
        throw asDatabaseError(error, batch.sql);
      }
    },

    observe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      const closing = pool;
      pool = null;
      if (closing === null) return;
      await new Promise<void>((resolve, reject) => {
        // mysql2 calls back with undefined, not the null its types promise, when all went well.
        closing.end((error: unknown) => {
          if (error instanceof Error) reject(error);
          else resolve();
        });
      });
    },
  };
}
