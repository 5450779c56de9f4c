import { expect } from 'chai';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { answerClientError } from '../../src/client-error';
import { createApp } from '../../src/server';
import { silentLogger, testConfig } from '../support/config';

/** The app behind a real Node server, as `serve` builds it, so Node's own parser runs first. */
async function listen(): Promise<http.Server> {
  const handle = createApp({ config: testConfig(), logger: silentLogger }).callback();
  // A short check interval, so a request timeout fires within the test instead of after 30 s.
  const server = http.createServer({ requestTimeout: 300, headersTimeout: 300, connectionsCheckingInterval: 50 });
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    void handle(request, response);
  });
  server.on('clientError', answerClientError);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Writes raw bytes and reads the whole response until the server closes the connection. */
async function rawExchange(server: http.Server, request: string): Promise<{ head: string; body: string }> {
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.write(request);
  await once(socket, 'close');
  const [head = '', body = ''] = received.split('\r\n\r\n');
  return { head, body };
}

describe('requests Node refuses before Koa sees them', () => {
  let server: http.Server;

  before(async () => {
    server = await listen();
  });

  after(() => {
    server.close();
  });

  it('answers a malformed request line with 400 BAD_REQUEST in the JSON error shape', async () => {
    const { head, body } = await rawExchange(server, 'NOT HTTP AT ALL\r\n\r\n');
    expect(head).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).to.include('Content-Type: application/json').and.include('Cache-Control: no-store');
    expect(JSON.parse(body)).to.deep.equal({
      error: { code: 'BAD_REQUEST', message: 'The request could not be read.' },
    });
  });

  it('answers headers over 16 KiB with 431 HEADERS_TOO_LARGE', async () => {
    const request = `GET /auth/ping HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`;
    const { head, body } = await rawExchange(server, request);
    expect(head).to.match(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(body).error.code).to.equal('HEADERS_TOO_LARGE');
  });

  it('answers a request whose headers never finish with 408 REQUEST_TIMEOUT', async () => {
    const { head, body } = await rawExchange(server, 'GET /auth/ping HTTP/1.1\r\nHost: x\r\n');
    expect(head).to.match(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(body).error.code).to.equal('REQUEST_TIMEOUT');
  });

  it('leaves well-formed requests to the app', async () => {
    const { head, body } = await rawExchange(server, 'GET /auth/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head).to.match(/^HTTP\/1\.1 200 OK\r\n/);
    expect(JSON.parse(body)).to.deep.equal({ status: 'success', message: 'APIs are up and running' });
  });
});
