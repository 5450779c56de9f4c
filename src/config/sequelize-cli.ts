import { loadConfig } from '.';
import { mysqlSsl } from '../db/database';
import { readEnvironment } from './env-file';

// Read by `npx sequelize-cli` through .sequelizerc (built to dist/ by `npm install`): the same
// database, migrations and SequelizeMeta table as `node app --create`.
const { databaseUrl, databaseTls } = loadConfig(readEnvironment());
const connection = {
  url: databaseUrl,
  dialect: 'mysql',
  timezone: '+00:00',
  dialectOptions: { ssl: mysqlSsl(databaseTls) },
};

export = { development: connection, test: connection, production: connection };
