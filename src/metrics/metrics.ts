import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { RevocationReason } from '../models';
import { createBlocklistGauge } from './blocklist-gauge';

/** The route label of requests no route matched: a fixed value, so scanners cannot grow the series. */
export const UNMATCHED_ROUTE = 'unmatched';

const LOGIN_ROUTE = '/auth/login';

// Sub-millisecond buckets for cached token checks, up to seconds for bcrypt under load.
const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// From a fraction of a millisecond (same machine) to the seconds where the TTL bound takes over.
const FANOUT_LAG_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** What happened to a revocation message on the Redis channel, as seen by this process. */
export type FanoutEvent = 'published' | 'publish_failed' | 'received' | 'applied' | 'rejected';

export interface MetricsDependencies {
  countLiveBlockedTokens: () => Promise<number>;
  logger: Logger;
}

/** One app's instruments, on a registry of its own (never prom-client's global one). */
export interface Metrics {
  registry: Registry;
  /** Counts one answered request; also derives login outcomes and rate-limit hits from it. */
  observeRequest: (method: string, route: string, status: number, seconds: number) => void;
  countRevocation: (reason: RevocationReason) => void;
  countFanout: (event: FanoutEvent) => void;
  /** Seconds from another instance's publication of a revocation to its application here. */
  observeFanoutLag: (seconds: number) => void;
  /** The Prometheus text of this app's metrics followed by the process metrics. */
  render: () => Promise<string>;
}

let processRegistry: Registry | null = null;

/**
 * Process metrics (CPU, memory, event loop, GC) belong to the process, not to an app: they are
 * collected once into a registry of their own, since each collection adds a GC observer.
 */
export function processMetricsRegistry(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Builds the auth server's instruments on a fresh registry. */
export function createMetrics({ countLiveBlockedTokens, logger }: MetricsDependencies): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to produce the response, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers,
  });
  const logins = new Counter({
    name: 'auth_logins_total',
    help: 'POST /auth/login answers: success (200) or failure (401 INVALID_CREDENTIALS)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const revocations = new Counter({
    name: 'auth_revocations_total',
    help: 'Revocations (logout, session delete, password change, refresh-token reuse), by reason',
    labelNames: ['reason'] as const,
    registers,
  });
  const rateLimitHits = new Counter({
    name: 'auth_rate_limit_hits_total',
    help: 'Requests refused with 429, by route template',
    labelNames: ['route'] as const,
    registers,
  });
  const fanout = new Counter({
    name: 'auth_revocation_messages_total',
    help: 'Revocation messages on the Redis channel: published, publish_failed, received (from other instances), applied, rejected (malformed)',
    labelNames: ['event'] as const,
    registers,
  });
  const fanoutLag = new Histogram({
    name: 'auth_revocation_fanout_lag_seconds',
    help: 'Time from the publication of a revocation by another instance to its application here',
    buckets: FANOUT_LAG_BUCKETS_SECONDS,
    registers,
  });
  // Both outcomes exist from the start, so rate() and ratios work before the first failure.
  logins.inc({ outcome: 'success' }, 0);
  logins.inc({ outcome: 'failure' }, 0);
  createBlocklistGauge(registry, countLiveBlockedTokens, logger);

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const labels = { method, route, status };
      requests.inc(labels);
      durations.observe(labels, seconds);
      if (status === 429) rateLimitHits.inc({ route });
      if (route === LOGIN_ROUTE && method === 'POST') {
        if (status === 200) logins.inc({ outcome: 'success' });
        if (status === 401) logins.inc({ outcome: 'failure' });
      }
    },
    countRevocation(reason) {
      revocations.inc({ reason });
    },
    countFanout(event) {
      fanout.inc({ event });
    },
    observeFanoutLag(seconds) {
      fanoutLag.observe(seconds);
    },
    async render() {
      const [own, process] = await Promise.all([registry.metrics(), processMetricsRegistry().metrics()]);
      return own + process;
    },
  };
}
