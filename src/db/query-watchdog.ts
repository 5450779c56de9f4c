import { Duplex } from 'node:stream';
import type { Sequelize } from 'sequelize';

/** The code mysql2 gives its own query timeouts; ours reuse it, so both map to 503 the same way. */
export const QUERY_TIMEOUT_CODE = 'PROTOCOL_SEQUENCE_TIMEOUT';

/** The socket under a mysql2 connection; mysql2's typings do not declare it. */
function socketOf(connection: unknown): Duplex {
  if (typeof connection === 'object' && connection !== null && 'stream' in connection) {
    if (connection.stream instanceof Duplex) return connection.stream;
  }
  // Loud on purpose: silently unwatched queries would bring back hung requests in an outage.
  throw new Error('the MySQL connection has no socket to watch: did mysql2 change its internals?');
}

/** A wait on MySQL that ran out (`what` did not happen within `timeoutMs`), fatal to its connection. */
export function mysqlTimeoutError(what: string, timeoutMs: number): Error {
  return Object.assign(new Error(`${what} within ${timeoutMs} ms`), { code: QUERY_TIMEOUT_CODE, fatal: true });
}

const queryTimeoutError = (timeoutMs: number): Error => mysqlTimeoutError('MySQL did not answer a query', timeoutMs);

/**
 * Cuts `connection` (a mysql2 connection) unless the returned function is called within
 * `timeoutMs`: its socket is destroyed, so mysql2 fails the running query as a fatal network error
 * and its pool discards the connection.
 */
export function cutUnlessDoneWithin(connection: unknown, timeoutMs: number): () => void {
  const socket = socketOf(connection);
  const timer = setTimeout(() => socket.destroy(queryTimeoutError(timeoutMs)), timeoutMs).unref();
  return () => {
    clearTimeout(timer);
  };
}

/**
 * Gives every query `timeoutMs` to finish. A server that stops answering without closing its
 * sockets (frozen, or cut off by a network partition) would otherwise hold the request forever,
 * since TCP sees nothing wrong. On expiry the socket is destroyed: mysql2 fails the query as a
 * fatal network error, and the pool discards the connection instead of handing it out again.
 */
export function watchQueries(sequelize: Sequelize, timeoutMs: number): void {
  const timers = new WeakMap<object, () => void>();
  sequelize.addHook('beforeQuery', (_options, query) => {
    timers.set(query, cutUnlessDoneWithin(query.connection, timeoutMs));
  });
  sequelize.addHook('afterQuery', (_options, query) => {
    timers.get(query)?.();
    timers.delete(query);
  });
}

/** The part of a Sequelize instance rate-limiter-flexible uses with `storeType: 'sequelize'`. */
export interface ConnectionSource {
  connectionManager: {
    getConnection(): Promise<object>;
    releaseConnection(connection: object): void;
  };
}

/**
 * For callers with a fallback (the rate limiters, which count in memory meanwhile): once MySQL has
 * failed, calls fail at once for `timeoutMs`, instead of each waiting out a timeout of the same
 * outage and adding it to every request's latency.
 */
export interface OutageBreaker {
  /**
   * Runs `work`, or throws at once while MySQL failed less than `timeoutMs` ago; an error of
   * `work` that `isOutage` accepts records a failure now.
   */
  guard<T>(work: () => Promise<T>, isOutage: (error: unknown) => boolean): Promise<T>;
  /** Records that MySQL failed now. */
  trip(): void;
}

export function createOutageBreaker(timeoutMs: number): OutageBreaker {
  let failingUntil = 0;
  const trip = (): void => {
    failingUntil = Date.now() + timeoutMs;
  };
  return {
    async guard(work, isOutage) {
      if (Date.now() < failingUntil) throw new Error('MySQL failed a moment ago; not waiting for it again yet');
      try {
        return await work();
      } catch (error) {
        if (isOutage(error)) trip();
        throw error;
      }
    },
    trip,
  };
}

/**
 * A Sequelize stand-in for libraries that query its raw connections (rate-limiter-flexible), which
 * Sequelize's query hooks never see. Each connection gets `timeoutMs` from acquire to release, the
 * same bound and the same socket-destroying expiry as `watchQueries`; a failure to connect or a
 * timeout trips `breaker`, and calls fail at once while it is tripped.
 */
export function watchedConnections(
  sequelize: Sequelize,
  timeoutMs: number,
  breaker: OutageBreaker = createOutageBreaker(timeoutMs),
): ConnectionSource {
  const manager = sequelize.connectionManager;
  const timers = new WeakMap<object, NodeJS.Timeout>();
  return {
    connectionManager: {
      async getConnection() {
        // Whatever kept us from a connection, MySQL is out of reach for now.
        const connection: object = await breaker.guard(
          () => manager.getConnection({ type: 'write' }),
          () => true,
        );
        const socket = socketOf(connection);
        const timer = setTimeout(() => {
          breaker.trip();
          socket.destroy(queryTimeoutError(timeoutMs));
        }, timeoutMs);
        timers.set(connection, timer.unref());
        return connection;
      },
      releaseConnection(connection) {
        clearTimeout(timers.get(connection));
        timers.delete(connection);
        manager.releaseConnection(connection);
      },
    },
  };
}
