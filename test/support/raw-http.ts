import { expect } from 'chai';
import { once } from 'node:events';
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createHttpServer, type ServerTimeouts } from '../../src/http-server';
import { SECURITY_HEADERS } from '../../src/middleware/security-headers';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from './config';

/**
 * HTTP spoken over a bare socket: supertest and Node's client cannot send a header twice, leave
 * out Host, or send a Content-Length that does not match the body.
 */

/** One response read off the socket; header names lower-cased, repeated ones in order. */
export interface RawResponse {
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

/** The app behind the Node server `serve` builds (Node's parser, then Koa), on a free port. */
export async function listenRaw(overrides: Record<string, string> = {}, timeouts: ServerTimeouts = {}) {
  const app = createApp({ config: testConfig(overrides), logger: silentLogger });
  const server = createHttpServer(app.callback(), timeouts);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/**
 * One listenRaw server for the enclosing describe: started before its tests, closed after them.
 * Call it in the describe's body; the returned function gives the server inside a test.
 */
export function rawServerPerSuite(): () => http.Server {
  let server: http.Server | null = null;
  before(async () => {
    server = await listenRaw();
  });
  after(async () => {
    if (server !== null) await closeRaw(server);
  });
  return () => {
    if (server === null) throw new Error('the raw server is started by a before hook: use it inside a test');
    return server;
  };
}

export async function closeRaw(server: http.Server): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  server.closeAllConnections();
  await closed;
}

export interface RawRequest {
  method?: string;
  path?: string;
  version?: string;
  /** In order, repeats allowed; no Host is added unless listed. */
  headers: ReadonlyArray<readonly [string, string]>;
  body?: string | Buffer;
}

/** The bytes of a request, exactly as described: nothing added, nothing checked. */
export function requestBytes({
  method = 'GET',
  path = '/auth/ping',
  version = '1.1',
  headers,
  body,
}: RawRequest): Buffer {
  const head = [`${method} ${path} HTTP/${version}`, ...headers.map(([name, value]) => `${name}: ${value}`), '', ''];
  return Buffer.concat([Buffer.from(head.join('\r\n'), 'latin1'), Buffer.from(body ?? '')]);
}

/** Decodes a chunked body; returns the body and where the message ends. */
function readChunked(data: Buffer, start: number): { body: Buffer; end: number } {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return { body: Buffer.concat(parts), end: data.length };
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) return { body: Buffer.concat(parts), end: Math.min(data.length, lineEnd + 4) };
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Every response in `data`, in order; HEAD answers and 204s carry no body. */
export function parseResponses(data: Buffer, method = 'GET'): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`an unfinished response: ${data.subarray(at).toString('latin1')}`);
    const [statusLine = '', ...lines] = data.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (Number.isNaN(status)) throw new Error(`not a status line: ${statusLine}`);
    const headers: Record<string, string[]> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      (headers[name] ??= []).push(line.slice(colon + 1).trim());
    }
    let body: Buffer;
    at = headEnd + 4;
    if (method === 'HEAD' || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (headers['transfer-encoding']?.[0]?.toLowerCase() === 'chunked') {
      ({ body, end: at } = readChunked(data, at));
    } else {
      const length = Number(headers['content-length']?.[0] ?? data.length - at);
      body = data.subarray(at, at + length);
      at += length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
  }
  return responses;
}

/**
 * Writes `bytes` and reads every response until the server closes the connection (so the last
 * request should say Connection: close, or the server's timeouts must be short). The socket is not
 * half-closed: Node would then abort a request still in flight.
 */
export async function exchange(server: http.Server, bytes: Buffer | string, method = 'GET'): Promise<RawResponse[]> {
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // The server may close before reading all we wrote: a reset then ends the exchange, not the test.
  socket.on('error', () => undefined);
  socket.write(bytes);
  await once(socket, 'close');
  return parseResponses(Buffer.concat(chunks), method);
}

/** Sends one request (with Connection: close added) and returns its single response. */
export async function send(server: http.Server, request: RawRequest): Promise<RawResponse> {
  const headers = [...request.headers, ['Connection', 'close'] as const];
  const responses = await exchange(server, requestBytes({ ...request, headers }), request.method);
  if (responses.length !== 1) throw new Error(`expected one response, got ${responses.length}`);
  return responses[0] as RawResponse;
}

/** The one value of a response header (the first, if it repeats). */
export const headerOf = (response: RawResponse, name: string): string | undefined =>
  response.headers[name.toLowerCase()]?.[0];

/** Our JSON error shape, our security headers and a request id, as every answer of the app has. */
export function expectOurError(response: RawResponse, status: number, code: string): void {
  expect(response.status, response.body).to.equal(status);
  expect(headerOf(response, 'Content-Type')).to.match(/^application\/json/);
  expect(JSON.parse(response.body)).to.have.nested.property('error.code', code);
  expect(JSON.parse(response.body)).to.have.nested.property('error.message').that.is.a('string');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headerOf(response, name), name).to.equal(value);
  expect(headerOf(response, 'X-Request-Id')).to.match(/^[0-9a-f-]{36}$/);
}
