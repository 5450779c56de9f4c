import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { runCluster } from './src/cluster';
import { ConfigError, loadConfig, type Config } from './src/config';
import { readEnvironment, writeGeneratedSecret } from './src/config/env-file';
import { createDatabaseIfMissing } from './src/db/database';
import { describeDatabaseError, isDatabaseError } from './src/db/describe-error';
import { createMigrator } from './src/db/migrator';
import { createSequelize } from './src/db/sequelize';
import { StartupError } from './src/listen';
import { createLogger } from './src/logger';
import { serve } from './src/serve';
import { purgeExpired } from './src/services/purge.service';

const USAGE = `Usage: node app <command> [options]

Commands (exactly one):
  --create      create the database if missing and run pending migrations
                (development: also writes a fresh JWT_SECRET to .env if none is set)
    --seed      with --create: also add the demo users
  --drop        undo every migration (refused with NODE_ENV=production unless --force)
    --force     with --drop: allow it in production
  --purge       delete expired blocklist and session rows, in batches
  --server      serve HTTP on HOST:PORT until SIGINT/SIGTERM
    --workers N with --server: N processes on one port (node:cluster); auto = one per core
  --help        print this help

Configuration comes from the environment and ./.env (see .env.example).`;

type Command = 'create' | 'drop' | 'purge' | 'server' | 'help';

interface Invocation {
  command: Command;
  seed: boolean;
  force: boolean;
  workers: number;
}

class UsageError extends Error {}

function parseInvocation(argv: string[]): Invocation {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        create: { type: 'boolean' },
        seed: { type: 'boolean' },
        drop: { type: 'boolean' },
        purge: { type: 'boolean' },
        force: { type: 'boolean' },
        server: { type: 'boolean' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const commands = (['create', 'drop', 'purge', 'server', 'help'] as const).filter((name) => values[name] === true);
  if (commands.length !== 1) throw new UsageError('give exactly one of --create, --drop, --purge, --server, --help');
  const [command] = commands as [Command];
  if (values.seed === true && command !== 'create') throw new UsageError('--seed only goes with --create');
  if (values.force === true && command !== 'drop') throw new UsageError('--force only goes with --drop');
  if (values.workers !== undefined && command !== 'server') throw new UsageError('--workers only goes with --server');
  return { command, seed: values.seed === true, force: values.force === true, workers: parseWorkers(values.workers) };
}

function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  if (!/^[1-9][0-9]?$/.test(value)) throw new UsageError('--workers takes a number from 1 to 99, or auto');
  return Number(value);
}

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
    const removed = await purgeExpired();
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
    console.error(`error: ${(error as UsageError).message}\n\n${USAGE}`);
    return 2;
  }
  if (invocation.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  let config: Readonly<Config>;
  try {
    config = loadConfig(readEnvironment());
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
