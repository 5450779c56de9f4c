import { expect } from 'chai';
import fc from 'fast-check';
import { ERRORS } from '../../src/errors/catalogue';
import { exchange, headerOf, requestBytes, type RawResponse } from '../support/raw-http';
import { fuzzParameters, timeoutFor } from './client';
import { headerLevelRequest, type RawFuzzRequest } from './raw-requests';
import { useFuzzTarget } from './target';
import { VALID_TOKEN } from './tokens';

const RUNS = 200;

/** Every response, whoever wrote it (Koa or Node's parser): never 5xx, our headers, our error shape. */
function expectOurs(label: string, response: RawResponse): void {
  expect(response.status, label).to.be.below(500);
  expect(headerOf(response, 'X-Request-Id'), label).to.be.a('string').and.not.equal('');
  // The published key metadata is meant to be cached, no longer than KEYS_REFRESH_SECONDS; nothing else.
  const publicMetadata = response.status === 200 && /^(GET|HEAD) \/\.well-known\//.test(label);
  expect(headerOf(response, 'Cache-Control'), label).to.match(publicMetadata ? /^public, max-age=\d+$/ : /^no-store$/);
  expect(headerOf(response, 'X-Content-Type-Options'), label).to.equal('nosniff');
  if (response.status < 400) return;
  expect(headerOf(response, 'Content-Type'), label).to.match(/^application\/json/);
  const { error } = JSON.parse(response.body) as { error: { code: keyof typeof ERRORS; message: unknown } };
  expect(Object.keys(ERRORS), label).to.include(error.code);
  expect(ERRORS[error.code].status, label).to.equal(response.status);
  expect(error.message, label).to.be.a('string');
}

describe('Fuzzing: header-level requests over a bare socket', () => {
  // Short timeouts: a body shorter than its Content-Length waits for the request timeout (408),
  // and an exchange ends when the server closes an idle keep-alive connection.
  const fuzzTarget = useFuzzTarget({
    requestTimeout: 1000,
    headersTimeout: 1000,
    connectionsCheckingInterval: 100,
    keepAliveTimeout: 200,
  });

  it('answers repeated fields, odd or missing Host, empty bodies and mismatched lengths with 4xx catalogue JSON, never 5xx', async function () {
    const target = fuzzTarget();
    // Each exchange may wait out a request timeout (1 s) or an idle keep-alive (0.2 s).
    this.timeout(timeoutFor(RUNS * 8));
    const property = fc.asyncProperty(headerLevelRequest(target.profiles), async (request: RawFuzzRequest) => {
      const headers = request.headers.map(([name, value]): [string, string] =>
        value === VALID_TOKEN ? [name, `Bearer ${target.accessToken}`] : [name, value],
      );
      const bytes = requestBytes({ ...request, headers });
      const responses = await exchange(target.server, bytes, request.method);
      const label = `${bytes.toString('latin1').slice(0, 600)}\n->\n${responses.map((r) => `${r.status} ${r.body}`).join('\n')}`;
      expect(responses.length, label).to.be.at.least(1);
      for (const response of responses) expectOurs(label, response);
      const [first] = responses as [RawResponse];
      const firstCode = first.status >= 400 ? (JSON.parse(first.body) as { error: { code: string } }).error.code : null;
      if (request.malformedHeaders) {
        expect([first.status, firstCode], label).to.deep.equal([400, 'BAD_REQUEST']);
      } else if (request.emptyBody) {
        expect(firstCode, label).to.not.be.oneOf(['UNSUPPORTED_MEDIA_TYPE', 'INVALID_JSON']);
      }
      // An empty logout logs the fuzz user out: start afresh after any success that may write.
      if (responses.some((response) => response.status < 300) && request.method !== 'GET') await target.renewUser();
    });
    await fc.assert(property, fuzzParameters<RawFuzzRequest>(RUNS));
  });
});
