import cluster from 'node:cluster';
import { parseInvocation, USAGE, UsageError, type Invocation } from './src/cli';
import { runCluster } from './src/cluster';
import { configKeysFor, ConfigError, loadConfig, type Config } from './src/config';
import { readEnvironment, writeGeneratedSecret } from './src/config/env-file';
import { unknownKeyWarnings } from './src/config/unknown-keys';
import { createDatabaseIfMissing } from './src/db/database';
import { describeDatabaseError, isDatabaseError } from './src/db/describe-error';
import { createMigrator } from './src/db/migrator';
import { createSequelize } from './src/db/sequelize';
import { StartupError } from './src/listen';
import { createLogger } from './src/logger';
import { createDatabase } from './src/repositories';
import { serve } from './src/serve';
import { purgeExpired } from './src/services/purge.service';

async function create(config: Readonly<Config>, seed: boolean): Promise<void> {
  const { database } = config.database;
  const created = await createDatabaseIfMissing(config);
  console.log(created ? `created database ${database}` : `database ${database} already exists`);
  if (config.env === 'development' && config.jwt.secret === null) {
    writeGeneratedSecret();
    console.log('no JWT_SECRET was configured: wrote a freshly generated one to .env');
  }
  const sequelize = createSequelize(config, { watchQueries: false });
  try {
    const applied = await createMigrator(sequelize, 'migrations').up();
    console.log(applied.length === 0 ? 'no pending migrations' : `applied ${applied.map((m) => m.name).join(', ')}`);
    if (seed) {
      const seeded = await createMigrator(sequelize, 'seeders').up();
      console.log(`ran seeders ${seeded.map((m) => m.name).join(', ')}`);
    }
  } finally {
    await sequelize.close();
  }
}

async function drop(config: Readonly<Config>, force: boolean): Promise<boolean> {
  // Undoing every migration deletes every user: production needs an explicit --force.
  if (config.env === 'production' && !force) {
    console.error('error: refusing to --drop with NODE_ENV=production; add --force if you mean it');
    return false;
  }
  const sequelize = createSequelize(config, { watchQueries: false });
  try {
    const reverted = await createMigrator(sequelize, 'migrations').down({ to: 0 });
    console.log(reverted.length === 0 ? 'nothing to undo' : `undid ${reverted.map((m) => m.name).join(', ')}`);
  } finally {
    await sequelize.close();
  }
  return true;
}

async function purge(config: Readonly<Config>): Promise<void> {
  const sequelize = createSequelize(config);
  try {
    const removed = await purgeExpired(createDatabase(sequelize));
    console.log(
      `purged ${removed.blockedTokens} expired blocked token(s), ${removed.sessions} expired session row(s) ` +
        `and ${removed.rateLimits} expired rate-limit row(s)`,
    );
  } finally {
    await sequelize.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (invocation.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const environment = readEnvironment();
  // Cluster workers re-run this file: only the primary warns, once.
  if (cluster.isPrimary) {
    for (const warning of unknownKeyWarnings(environment, configKeysFor(environment)))
      console.error(`warning: ${warning}`);
  }
  let config: Readonly<Config>;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`error: ${error.message}`);
    return 1;
  }
  try {
    if (invocation.command === 'create') await create(config, invocation.seed);
    if (invocation.command === 'drop') return (await drop(config, invocation.force)) ? 0 : 1;
    if (invocation.command === 'purge') await purge(config);
    if (invocation.command === 'server') {
      const logger = createLogger(config);
      // Workers re-run this file with the same flags; only the primary forks.
      await (invocation.workers > 1 && cluster.isPrimary
        ? runCluster(invocation.workers, config, logger)
        : serve(config, logger));
    }
    return 0;
  } catch (error) {
    // Only a database failure is described as one; anything else unexpected is a bug: its stack.
    if (error instanceof StartupError) console.error(`error: ${error.message}`);
    else if (isDatabaseError(error)) console.error(`error: ${describeDatabaseError(error, config.database)}`);
    else console.error('error:', error);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
