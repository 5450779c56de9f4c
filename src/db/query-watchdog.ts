import { Duplex } from 'node:stream';
import type { Sequelize } from 'sequelize';

/** The code mysql2 gives its own query timeouts; ours reuse it, so both map to 503 the same way. */
export const QUERY_TIMEOUT_CODE = 'PROTOCOL_SEQUENCE_TIMEOUT';

/** The socket under a mysql2 connection; mysql2's typings do not declare it. */
export function socketOf(connection: unknown): Duplex {
  if (typeof connection === 'object' && connection !== null && 'stream' in connection) {
    if (connection.stream instanceof Duplex) return connection.stream;
  }
  // Loud on purpose: silently unwatched queries would bring back hung requests in an outage.
  throw new Error('the MySQL connection has no socket to watch: did mysql2 change its internals?');
}

export function queryTimeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`MySQL did not answer a query within ${timeoutMs} ms`), { code: QUERY_TIMEOUT_CODE });
}

/**
 * Gives every query `timeoutMs` to finish. A server that stops answering without closing its
 * sockets (frozen, or cut off by a network partition) would otherwise hold the request forever,
 * since TCP sees nothing wrong. On expiry the socket is destroyed: mysql2 fails the query as a
 * fatal network error, and the pool discards the connection instead of handing it out again.
 */
export function watchQueries(sequelize: Sequelize, timeoutMs: number): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  sequelize.addHook('beforeQuery', (_options, query) => {
    const socket = socketOf(query.connection);
    const timer = setTimeout(() => socket.destroy(queryTimeoutError(timeoutMs)), timeoutMs);
    timers.set(query, timer.unref());
  });
  sequelize.addHook('afterQuery', (_options, query) => {
    clearTimeout(timers.get(query));
    timers.delete(query);
  });
}
