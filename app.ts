import cluster from 'node:cluster';
import { parseInvocation, USAGE, UsageError, type Invocation } from './src/cli';
import { runCluster } from './src/cluster';
import {
  configKeysFor,
  ConfigError,
  isAsymmetric,
  loadConfig,
  type AsymmetricAlgorithm,
  type Config,
} from './src/config';
import { readEnvironment, writeGeneratedSecret } from './src/config/env-file';
import { unknownKeyWarnings } from './src/config/unknown-keys';
import { createDatabaseIfMissing } from './src/db/database';
import { describeDatabaseError, isDatabaseError } from './src/db/describe-error';
import { createMigrator } from './src/db/migrator';
import { connectRedis } from './src/db/redis';
import { createSequelize } from './src/db/sequelize';
import { StartupError } from './src/listen';
import { createLogger } from './src/logger';
import { createDatabase } from './src/repositories';
import { serve } from './src/serve';
import { addSigningKey, ensureSigningKey, overlapSeconds, retireSupersededKeys } from './src/services/key-rotation';
import { readHiddenLine } from './src/prompt';
import { AdminSetupError, ensureAdmin } from './src/services/first-admin.service';
import { createOutbox } from './src/services/outbox.service';
import { createPasswordHasher } from './src/services/password.service';
import { purgeAuditEvents, purgeExpired } from './src/services/purge.service';
import { publishRevocation } from './src/services/revocations';

/** The algorithm and encryption key when signing keys live in the signing_keys table; null otherwise. */
function tableKeyAlgorithm(config: Readonly<Config>): { algorithm: AsymmetricAlgorithm; encryptionKey: Buffer } | null {
  const { algorithm } = config.jwt;
  const { encryptionKey, privateKeyFile } = config.keys;
  if (!isAsymmetric(algorithm) || privateKeyFile !== null || encryptionKey === null) return null;
  return { algorithm, encryptionKey };
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
    const keyTable = tableKeyAlgorithm(config);
    if (keyTable !== null) {
      const kid = await ensureSigningKey(
        createDatabase(sequelize).signingKeys,
        keyTable.algorithm,
        keyTable.encryptionKey,
      );
      console.log(
        kid === null
          ? `a ${keyTable.algorithm} signing key exists`
          : `generated ${keyTable.algorithm} signing key ${kid}`,
      );
    }
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

/** Retires superseded keys, and tells every server over Redis (else they see it at their next re-read). */
async function retireKeys(config: Readonly<Config>, sequelize: ReturnType<typeof createSequelize>): Promise<void> {
  const keyTable = tableKeyAlgorithm(config);
  if (keyTable === null) return;
  const retired = await retireSupersededKeys(
    createDatabase(sequelize).signingKeys,
    keyTable.algorithm,
    overlapSeconds(config),
  );
  console.log(retired.length === 0 ? 'no signing key to retire' : `retired signing key(s) ${retired.join(', ')}`);
  if (retired.length === 0 || config.redis === null) return;
  const redis = connectRedis(config.redis, createLogger(config));
  try {
    await publishRevocation(redis, { reason: 'key_retired', userId: null, retiredKeyIds: retired });
  } finally {
    redis.close();
  }
}

async function purge(config: Readonly<Config>): Promise<void> {
  const sequelize = createSequelize(config);
  try {
    const database = createDatabase(sequelize);
    const removed = await purgeExpired(database);
    const auditEvents = await purgeAuditEvents(database, config.admin.auditRetentionDays);
    console.log(
      `purged ${removed.blockedTokens} expired blocked token(s), ${removed.sessions} expired session row(s), ` +
        `${removed.rateLimits} expired rate-limit row(s), ${removed.authjsSessions} expired adapter session(s), ` +
        `${removed.verificationTokens} expired verification token(s), ${removed.oidcLogins} expired OIDC login(s), ` +
        `${removed.oidcCodes} expired OIDC code(s), ${removed.emailTokens} expired email token(s) ` +
        `and ${auditEvents} audit event(s) older than ${config.admin.auditRetentionDays} day(s)`,
    );
    await retireKeys(config, sequelize);
  } finally {
    await sequelize.close();
  }
}

async function rotateKeys(config: Readonly<Config>): Promise<boolean> {
  const keyTable = tableKeyAlgorithm(config);
  if (keyTable === null) {
    console.error('error: --rotate-keys needs JWT_ALGORITHM=RS256 or ES256 with keys in the signing_keys table');
    return false;
  }
  const sequelize = createSequelize(config, { watchQueries: false });
  try {
    const kid = await addSigningKey(createDatabase(sequelize).signingKeys, keyTable.algorithm, keyTable.encryptionKey);
    console.log(
      `added ${keyTable.algorithm} signing key ${kid}: servers sign with it within ${config.keys.refreshSeconds}s; ` +
        `\`--purge\` retires the previous one ${overlapSeconds(config)}s from now`,
    );
  } finally {
    await sequelize.close();
  }
  return true;
}

/** Makes `email` an admin; prints one line saying what it did. */
async function createAdmin(config: Readonly<Config>, email: string): Promise<boolean> {
  const sequelize = createSequelize(config, { watchQueries: false });
  try {
    const deps = {
      database: createDatabase(sequelize),
      passwords: createPasswordHasher(config.bcryptRounds),
      outbox: createOutbox(config.webhooks),
    };
    // ADMIN_PASSWORD first; else a hidden prompt, only on a terminal (never a password from a pipe).
    const ask = () => Promise.resolve(config.admin.password ?? readHiddenLine(`password for ${email}: `));
    const { outcome, userId, email: normalised } = await ensureAdmin(deps, email, ask);
    const said = { created: 'created admin', promoted: 'made admin', already: 'already an admin:' }[outcome];
    console.log(`${said} ${normalised} (user ${userId})`);
    return true;
  } catch (error) {
    if (!(error instanceof AdminSetupError)) throw error;
    console.error(`error: ${error.message}`);
    return false;
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
    if (invocation.command === 'rotate-keys') return (await rotateKeys(config)) ? 0 : 1;
    if (invocation.command === 'create-admin') {
      return (await createAdmin(config, invocation.adminEmail ?? '')) ? 0 : 1;
    }
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
    else if (isDatabaseError(error)) console.error(`error: ${describeDatabaseError(error, config)}`);
    else console.error('error:', error);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
