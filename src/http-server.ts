import http from 'node:http';
import { answerClientError } from './client-error';

type RequestHandler = (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;

/** Node's timeouts, which tests shorten. */
export type ServerTimeouts = Pick<
  http.ServerOptions,
  'requestTimeout' | 'headersTimeout' | 'connectionsCheckingInterval' | 'keepAliveTimeout'
>;

/**
 * The Node HTTP server in front of the app (`handle` is Koa's callback), as every listener of it
 * is built: what Node's parser refuses is answered in our JSON shape (client-error.ts).
 */
export function createHttpServer(handle: RequestHandler, timeouts: ServerTimeouts = {}): http.Server {
  // Node would answer a missing Host itself, with a bare 400 (no JSON, no security headers, no
  // request id): the app checks Host instead, with every other header rule (header-fields.ts).
  const server = http.createServer({ ...timeouts, requireHostHeader: false }, (request, response) => {
    void handle(request, response);
  });
  server.on('clientError', answerClientError);
  return server;
}
