import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
  where: { host: string; port: number },
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
  server.listen(where.port, where.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${where.host}:${port}/metrics` };
}
