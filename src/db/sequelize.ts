import { Sequelize } from 'sequelize';
import type { Config } from '../config';
import { initModels } from '../models';

/** One Sequelize instance per process, with every model initialised on it. */
export function createSequelize(config: Pick<Config, 'databaseUrl'>): Sequelize {
  const sequelize = new Sequelize(config.databaseUrl, {
    dialect: 'mysql',
    logging: false,
    // Store and read DATETIME columns as UTC whatever the server's time zone.
    timezone: '+00:00',
    pool: { max: 10, min: 0, idle: 10_000, acquire: 10_000 },
    dialectOptions: { connectTimeout: 5_000 },
  });
  initModels(sequelize);
  return sequelize;
}
