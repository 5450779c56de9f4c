import { Sequelize } from 'sequelize';
import type { Config } from '../config';
import { initModels } from '../models';
import { mysqlSsl } from './database';
import { watchQueries } from './query-watchdog';
import { createStatementBatches, type StatementBatches } from './statement-batches';

export interface SequelizeOptions {
  /** Bound every query by DB_QUERY_TIMEOUT_MS; off for migrations, which may rightly run for minutes. */
  watchQueries?: boolean;
}

type DatabaseSettings = Pick<Config, 'databaseUrl' | 'databasePool' | 'databaseTls'>;

/** Sequelize, and the batched transactions of the same database, closed together. */
export class AppSequelize extends Sequelize {
  readonly batches: StatementBatches;

  constructor(settings: DatabaseSettings) {
    const { maxConnections, connectTimeoutMs, acquireTimeoutMs } = settings.databasePool;
    const ssl = mysqlSsl(settings.databaseTls);
    super(settings.databaseUrl, {
      dialect: 'mysql',
      logging: false,
      // Store and read DATETIME columns as UTC whatever the server's time zone.
      timezone: '+00:00',
      pool: { max: maxConnections, min: 0, idle: 10_000, acquire: acquireTimeoutMs },
      dialectOptions: { connectTimeout: connectTimeoutMs, ssl },
    });
    // From Sequelize's own reading of DATABASE_URL, so both pools log in with the same decoded account.
    const { host, port, username, password, database } = this.config;
    this.batches = createStatementBatches({
      target: {
        host,
        port: port === undefined ? undefined : Number(port),
        user: username,
        password: password ?? undefined,
        database,
        ssl,
      },
      databasePool: settings.databasePool,
    });
  }

  override async close(): Promise<void> {
    await Promise.all([this.batches.close(), super.close()]);
  }
}

/** The batched transactions of a Sequelize instance made by createSequelize. */
export function batchesOf(sequelize: Sequelize): StatementBatches {
  if (sequelize instanceof AppSequelize) return sequelize.batches;
  throw new Error('this Sequelize instance has no statement batches: create it with createSequelize');
}

/**
 * One Sequelize instance per process, with every model initialised on it. Every wait for MySQL is
 * bounded (connect, pool acquire, query), so an outage fails requests fast instead of hanging them.
 */
export function createSequelize(config: DatabaseSettings, options: SequelizeOptions = {}): Sequelize {
  const sequelize = new AppSequelize(config);
  if (options.watchQueries ?? true) watchQueries(sequelize, config.databasePool.queryTimeoutMs);
  initModels(sequelize);
  return sequelize;
}
