import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';

/** A scrape waits at most this long for the count; a slow or unreachable MySQL never hangs it. */
const COUNT_TIMEOUT_MS = 1000;
/** Scrapes closer together than this reuse the last count, so hammering /metrics cannot load MySQL. */
const MIN_COUNT_INTERVAL_MS = 5000;

/** Resolves with the count, or null when it failed or took longer than the timeout. */
function boundedCount(count: () => Promise<number>, logger: Logger): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      logger.warn({ timeoutMs: COUNT_TIMEOUT_MS }, 'blocklist size not sampled: MySQL did not answer in time');
      resolve(null);
    }, COUNT_TIMEOUT_MS);
  });
  const counted = count().catch((error: unknown) => {
    logger.warn({ err: error }, 'blocklist size not sampled');
    return null;
  });
  return Promise.race([counted, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * `auth_blocklist_size`: live blocklist rows, counted when Prometheus scrapes. Only rows whose
 * token has not expired count (the `expires_at` index range, so purged-later rows cost nothing).
 * When MySQL does not answer in time the sample is NaN (unknown) rather than a stale number.
 * Workers of a cluster all see the same table: aggregation takes the max, not the sum.
 */
export function createBlocklistGauge(registry: Registry, count: () => Promise<number>, logger: Logger): void {
  let last: { at: number; size: Promise<number | null> } | null = null;
  new Gauge({
    name: 'auth_blocklist_size',
    help: 'Blocklisted access tokens that have not expired yet',
    registers: [registry],
    aggregator: 'max',
    async collect() {
      const now = Date.now();
      if (last === null || now - last.at >= MIN_COUNT_INTERVAL_MS) {
        last = { at: now, size: boundedCount(count, logger) };
      }
      this.set((await last.size) ?? Number.NaN);
    },
  });
}
