import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisSettings } from '../config';

/** The longest pause between two reconnection attempts after Redis went away. */
const MAX_RECONNECT_DELAY_MS = 2000;

export interface RedisConnections {
  /** Ordinary commands: rate-limit counters and publishing. Fails fast while disconnected. */
  commands: Redis;
  /** A connection in subscriber mode, which can run no other command. */
  subscriber: Redis;
  /** The name of a key or channel of this deployment: the configured prefix, then `name`. */
  name: (name: string) => string;
  /** True while both connections are usable. */
  isUp: () => boolean;
  close: () => void;
}

/**
 * Opens the two Redis connections and keeps them open: after an outage each one reconnects by
 * itself (every 2 s at most), and the subscriber subscribes again. Logs each loss, its first
 * failure and each recovery once.
 */
export function connectRedis(settings: NonNullable<RedisSettings['redis']>, logger: Logger): RedisConnections {
  const shared: RedisOptions = {
    connectTimeout: settings.connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // rediss:// turns TLS on (ioredis); Node then checks the certificate and the host it names.
    ...(settings.tlsCa === null && settings.tlsClient === null
      ? {}
      : { tls: { ...(settings.tlsCa === null ? {} : { ca: settings.tlsCa }), ...settings.tlsClient } }),
  };
  // No offline queue and no retry: while Redis is away a command fails at once, so the caller
  // falls back (in-memory limiter, TTL-bounded cache) instead of holding a request.
  const commands = new Redis(settings.url, {
    ...shared,
    commandTimeout: settings.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  // The subscriber queues its SUBSCRIBE until connected, and resubscribes after every reconnection.
  const subscriber = new Redis(settings.url, { ...shared, maxRetriesPerRequest: null });
  for (const [role, connection] of [
    ['commands', commands],
    ['subscriber', subscriber],
  ] as const) {
    let up = false;
    let failureLogged = false;
    connection.on('ready', () => {
      up = true;
      failureLogged = false;
      logger.info({ redis: role }, 'redis connected');
    });
    // Every failed attempt emits one: the first since the connection was last up says why (refused,
    // a certificate not trusted…) where an operator sees it, the rest go to debug.
    connection.on('error', (error: Error) => {
      if (failureLogged) logger.debug({ redis: role, err: error }, 'redis error');
      else logger.warn({ redis: role, err: error }, 'redis unreachable; retrying');
      failureLogged = true;
    });
    connection.on('close', () => {
      if (up) logger.warn({ redis: role }, 'redis connection lost; reconnecting');
      up = false;
    });
  }
  return {
    commands,
    subscriber,
    name: (name) => `${settings.keyPrefix}${name}`,
    isUp: () => commands.status === 'ready' && subscriber.status === 'ready',
    close() {
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}
