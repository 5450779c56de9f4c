import cluster from 'node:cluster';
import { once } from 'node:events';
import type http from 'node:http';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import { AggregatorRegistry } from 'prom-client';
import { isAsymmetric, type Config } from './config';
import { isDatabaseError } from './db/describe-error';
import { createMigrator } from './db/migrator';
import { connectRedis } from './db/redis';
import { createSequelize } from './db/sequelize';
import { createHttpServer } from './http-server';
import { listenOn, StartupError } from './listen';
import { listenForScrapes, metricsTarget } from './metrics/metrics-server';
import { processMetricsRegistry, type Metrics } from './metrics/metrics';
import { createDatabase } from './repositories';
import { appMetrics, createApp } from './server';
import { createKeyStore, type KeyStore } from './services/keys.service';
import { purgeExpired } from './services/purge.service';

const SHUTDOWN_GRACE_MS = 10_000;

/** Resolves at the first SIGINT or SIGTERM. */
export function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
}

/** Stops accepting, lets in-flight requests finish (cut after a grace period), then resolves. */
async function closeGracefully(server: http.Server): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  const force = setTimeout(() => {
    server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS).unref();
  await closed;
  clearTimeout(force);
}

/**
 * Where scrapes of this process's metrics go. In a cluster worker: to the primary, which sums
 * the workers on METRICS_PORT. Otherwise, with METRICS_PORT: a listener of their own, returned.
 */
async function exposeMetrics(config: Readonly<Config>, metrics: Metrics, logger: Logger): Promise<http.Server | null> {
  const { port } = config.metrics;
  if (port === null) return null;
  if (cluster.isWorker) {
    // Constructing one installs the worker's answer to the primary's "send me your metrics".
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry, processMetricsRegistry()]);
    return null;
  }
  const source = { contentType: metrics.registry.contentType, render: metrics.render };
  const { server, url } = await listenForScrapes(source, metricsTarget(config, port));
  logger.info({ url }, 'metrics listening');
  return server;
}

/** Purges expired rows every `intervalSeconds` (never when 0); a failed run is logged, not fatal. */
function schedulePurge(intervalSeconds: number, sequelize: Sequelize, logger: Logger): NodeJS.Timeout | undefined {
  if (intervalSeconds === 0) return undefined;
  const database = createDatabase(sequelize);
  return setInterval(() => {
    purgeExpired(database).then(
      (removed) => {
        logger.info({ removed }, 'purged expired rows');
      },
      (error: unknown) => {
        logger.error({ err: error }, 'purge failed');
      },
    );
  }, intervalSeconds * 1000).unref();
}

/** The key store, its keys loaded: a server with nothing to sign with, or keys it cannot decrypt, does not start. */
async function loadKeys(config: Readonly<Config>, sequelize: Sequelize, logger: Logger): Promise<KeyStore> {
  try {
    const keys = createKeyStore(config, createDatabase(sequelize).signingKeys, logger);
    await keys.ready();
    return keys;
  } catch (error) {
    if (isDatabaseError(error)) throw error;
    throw new StartupError(`signing keys: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Serves until SIGINT/SIGTERM, then shuts down cleanly. Refuses to start without a secret or with
 * pending migrations, so a server never runs against a schema it does not know.
 */
export async function serve(config: Readonly<Config>, logger: Logger): Promise<void> {
  if (!isAsymmetric(config.jwt.algorithm) && config.jwt.secret === null) {
    throw new StartupError('JWT_SECRET is not set: run `node app --create` to generate one into .env, or set it');
  }
  const sequelize = createSequelize(config);
  // Not awaited: the server serves without Redis (memory limits, TTL-bound revocations) until it connects.
  const redis = config.redis === null ? null : connectRedis(config.redis, logger);
  try {
    const pending = await createMigrator(sequelize, 'migrations').pending();
    if (pending.length > 0) {
      const names = pending.map((migration) => migration.name).join(', ');
      throw new StartupError(`${pending.length} migration(s) pending (${names}): run \`node app --create\``);
    }
    // In a cluster without METRICS_PORT a scrape would reach one random worker: no metrics at all.
    const metrics = cluster.isWorker && config.metrics.port === null ? null : appMetrics({ config, logger, sequelize });
    const keys = await loadKeys(config, sequelize, logger);
    const server = createHttpServer(createApp({ config, logger, metrics, sequelize, redis, keys }).callback());
    const { port } = await listenOn(server, { host: config.host, port: config.port, hostKey: 'HOST', portKey: 'PORT' });
    logger.info({ url: `http://${config.host}:${port}` }, 'listening');
    const metricsServer = metrics === null ? null : await exposeMetrics(config, metrics, logger);

    const purging = schedulePurge(config.purgeIntervalSeconds, sequelize, logger);
    const signal = await firstSignal();
    logger.info({ signal }, 'shutting down');
    clearInterval(purging);
    await Promise.all([closeGracefully(server), metricsServer === null ? null : closeGracefully(metricsServer)]);
  } finally {
    redis?.close();
    await sequelize.close();
  }
}
