import http from 'node:http';
import type { Config } from '../config';
import { listenOn, type ListenTarget } from '../listen';

/** What a scrape answers: Prometheus text and its content type. */
export interface MetricsSource {
  contentType: string;
  render: () => Promise<string>;
}

/**
 * A plain HTTP listener that answers GET /metrics and 404 for anything else: kept apart from the
 * Koa app so it can sit on an internal interface, and, in a cluster, in the primary process.
 */
export async function listenForScrapes(
  source: MetricsSource,
  where: ListenTarget,
): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
      return;
    }
    source.render().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': source.contentType }).end(text);
      },
      () => {
        response.writeHead(503, { 'Content-Type': 'text/plain' }).end('Metrics unavailable\n');
      },
    );
  });
  const { port } = await listenOn(server, where);
  return { server, url: `http://${where.host}:${port}/metrics` };
}

/** Where the metrics listener goes: METRICS_HOST and the METRICS_PORT that is set. */
export function metricsTarget(config: Readonly<Config>, port: number): ListenTarget {
  return { host: config.metrics.host, port, hostKey: 'METRICS_HOST', portKey: 'METRICS_PORT' };
}
