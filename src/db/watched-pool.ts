import type { Sequelize } from 'sequelize';
import { queryTimeoutError, socketOf } from './query-watchdog';

type QueryCallback = (error: Error | null, ...results: unknown[]) => void;

interface RawConnection {
  query: (...args: unknown[]) => unknown;
}

interface ConnectionManager {
  getConnection: () => Promise<RawConnection>;
  releaseConnection: (connection: RawConnection) => Promise<void>;
}

/**
 * A pooled connection whose callback queries get `timeoutMs` each, like the watchdog's: query,
 * rollback and release are all rate-limiter-flexible calls on it.
 */
function watched(connection: RawConnection, manager: ConnectionManager, timeoutMs: number) {
  function query(...args: unknown[]): void {
    const callback = args.pop() as QueryCallback;
    const socket = socketOf(connection);
    const timer = setTimeout(() => socket.destroy(queryTimeoutError(timeoutMs)), timeoutMs).unref();
    connection.query(...args, (error: Error | null, ...results: unknown[]) => {
      clearTimeout(timer);
      callback(error, ...results);
    });
  }
  return {
    query,
    // With a callback, a rollback on a connection the timeout destroyed fails quietly, not as an 'error' event.
    rollback(): void {
      query('ROLLBACK', () => undefined);
    },
    release(): void {
      void manager.releaseConnection(connection);
    },
  };
}

/**
 * A mysql2-style pool over Sequelize's own pool, for libraries that query raw connections and so
 * bypass the query hooks: without it, a frozen MySQL would hold their queries (and the request) forever.
 */
export function watchedPool(sequelize: Sequelize, timeoutMs: number) {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  return {
    getConnection(callback: (error: Error | null, connection?: ReturnType<typeof watched>) => void): void {
      manager.getConnection().then(
        (connection) => {
          callback(null, watched(connection, manager, timeoutMs));
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  };
}
