import { expect } from 'chai';
import type http from 'node:http';
import { closeRaw, exchange, expectOurError, listenRaw, type RawResponse } from '../support/raw-http';

async function only(server: http.Server, request: string): Promise<RawResponse> {
  const responses = await exchange(server, request);
  expect(responses).to.have.lengthOf(1);
  return responses[0] as RawResponse;
}

describe('requests Node refuses before Koa sees them', () => {
  let server: http.Server;

  before(async () => {
    // A short check interval, so a request timeout fires within the test instead of after 30 s.
    server = await listenRaw({}, { requestTimeout: 300, headersTimeout: 300, connectionsCheckingInterval: 50 });
  });

  after(() => closeRaw(server));

  it('answers a malformed request line with 400 BAD_REQUEST in the JSON error shape', async () => {
    const response = await only(server, 'NOT HTTP AT ALL\r\n\r\n');
    expectOurError(response, 400, 'BAD_REQUEST');
    expect(JSON.parse(response.body)).to.deep.equal({
      error: { code: 'BAD_REQUEST', message: 'The request could not be read.' },
    });
  });

  it('answers headers over 16 KiB with 431 HEADERS_TOO_LARGE', async () => {
    const response = await only(server, `GET /auth/ping HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectOurError(response, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers a request whose headers never finish with 408 REQUEST_TIMEOUT', async () => {
    expectOurError(await only(server, 'GET /auth/ping HTTP/1.1\r\nHost: x\r\n'), 408, 'REQUEST_TIMEOUT');
  });

  it('answers a body shorter than its Content-Length with 408 REQUEST_TIMEOUT once the wait is over', async () => {
    const request =
      'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{}';
    expectOurError(await only(server, request), 408, 'REQUEST_TIMEOUT');
  });

  // Node's parser refuses an ambiguous body length itself (RFC 9112 §6.3): each is a 400 in our shape.
  for (const [label, framing] of [
    ['Content-Length twice, with one value', 'Content-Length: 2\r\nContent-Length: 2'],
    ['Content-Length twice, with two values', 'Content-Length: 2\r\nContent-Length: 3'],
    ['Content-Length and Transfer-Encoding', 'Content-Length: 2\r\nTransfer-Encoding: chunked'],
    ['Transfer-Encoding that does not end in chunked', 'Transfer-Encoding: chunked, gzip'],
  ] as const) {
    it(`answers ${label} with 400 BAD_REQUEST in the JSON error shape`, async () => {
      const request = `POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${framing}\r\n\r\n{}`;
      expectOurError(await only(server, request), 400, 'BAD_REQUEST');
    });
  }

  it('leaves well-formed requests to the app', async () => {
    const response = await only(server, 'GET /auth/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(response.status).to.equal(200);
    expect(JSON.parse(response.body)).to.deep.equal({ status: 'success', message: 'APIs are up and running' });
  });
});
