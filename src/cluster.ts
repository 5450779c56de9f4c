import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type http from 'node:http';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from './config';
import { listenForScrapes, metricsTarget } from './metrics/metrics-server';
import { StartupError } from './listen';
import { firstSignal } from './serve';

function liveWorkers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
}

/** Sends `signal` to every worker and resolves once all of them have exited. */
async function stopWorkers(signal: NodeJS.Signals): Promise<void> {
  const workers = liveWorkers();
  const exited = Promise.all(workers.map((worker) => once(worker, 'exit')));
  for (const worker of workers) worker.process.kill(signal);
  await exited;
}

/**
 * Serves the sum of every worker's metrics on METRICS_PORT. Without METRICS_PORT there is nowhere
 * to serve them: the shared main port would answer each scrape from one random worker.
 */
async function serveClusterMetrics(config: Readonly<Config>, logger: Logger): Promise<http.Server | null> {
  if (!config.metrics.enabled) return null;
  const { port } = config.metrics;
  if (port === null) {
    logger.warn('metrics are off: with --workers, set METRICS_PORT to scrape the whole cluster');
    return null;
  }
  const aggregator = new AggregatorRegistry();
  const source = { contentType: aggregator.contentType, render: () => aggregator.clusterMetrics() };
  const { server, url } = await listenForScrapes(source, metricsTarget(config, port));
  logger.info({ url }, 'metrics listening');
  return server;
}

/**
 * The cluster primary: forks `workerCount` server processes that share one port, replaces a worker
 * that dies after it was serving, and on SIGINT/SIGTERM passes the signal on and waits for all of
 * them to finish their in-flight requests. A worker that dies before it ever listened (pending
 * migrations, bad database) is not replaced: the whole cluster stops, since a restart would fail too.
 */
export async function runCluster(workerCount: number, config: Readonly<Config>, logger: Logger): Promise<void> {
  const serving = new WeakSet<Worker>();
  let stopping = false;
  cluster.on('listening', (worker) => serving.add(worker));
  const startupFailure = new Promise<StartupError>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) return;
      if (serving.has(worker)) {
        logger.warn({ workerPid: worker.process.pid, code, signal }, 'worker died; starting a new one');
        cluster.fork();
        return;
      }
      resolve(new StartupError(`a worker exited with code ${String(code)} before it could serve; stopping`));
    });
  });

  const metricsServer = await serveClusterMetrics(config, logger);
  for (let index = 0; index < workerCount; index += 1) cluster.fork();
  const outcome = await Promise.race([firstSignal(), startupFailure]);
  stopping = true;
  metricsServer?.close();
  if (outcome instanceof StartupError) {
    await stopWorkers('SIGTERM');
    throw outcome;
  }
  logger.info({ signal: outcome, workers: workerCount }, 'stopping workers');
  await stopWorkers(outcome);
}
