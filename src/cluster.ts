import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { firstSignal, StartupError } from './serve';

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
 * The cluster primary: forks `workerCount` server processes that share one port, replaces a worker
 * that dies after it was serving, and on SIGINT/SIGTERM passes the signal on and waits for all of
 * them to finish their in-flight requests. A worker that dies before it ever listened (pending
 * migrations, bad database) is not replaced: the whole cluster stops, since a restart would fail too.
 */
export async function runCluster(workerCount: number, logger: Logger): Promise<void> {
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

  for (let index = 0; index < workerCount; index += 1) cluster.fork();
  const outcome = await Promise.race([firstSignal(), startupFailure]);
  stopping = true;
  if (outcome instanceof StartupError) {
    await stopWorkers('SIGTERM');
    throw outcome;
  }
  logger.info({ signal: outcome, workers: workerCount }, 'stopping workers');
  await stopWorkers(outcome);
}
