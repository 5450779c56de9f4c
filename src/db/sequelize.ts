import { Sequelize } from 'sequelize';
import type { Config } from '../config';
import { initModels } from '../models';
import { watchQueries } from './query-watchdog';

export interface SequelizeOptions {
  /** Bound every query by DB_QUERY_TIMEOUT_MS; off for migrations, which may rightly run for minutes. */
  watchQueries?: boolean;
}

/**
 * One Sequelize instance per process, with every model initialised on it. Every wait for MySQL is
 * bounded (connect, pool acquire, query), so an outage fails requests fast instead of hanging them.
 */
export function createSequelize(
  config: Pick<Config, 'databaseUrl' | 'databasePool'>,
  options: SequelizeOptions = {},
): Sequelize {
  const { maxConnections, connectTimeoutMs, acquireTimeoutMs, queryTimeoutMs } = config.databasePool;
  const sequelize = new Sequelize(config.databaseUrl, {
    dialect: 'mysql',
    logging: false,
    // Store and read DATETIME columns as UTC whatever the server's time zone.
    timezone: '+00:00',
    pool: { max: maxConnections, min: 0, idle: 10_000, acquire: acquireTimeoutMs },
    dialectOptions: { connectTimeout: connectTimeoutMs },
  });
  if (options.watchQueries ?? true) watchQueries(sequelize, queryTimeoutMs);
  initModels(sequelize);
  return sequelize;
}
