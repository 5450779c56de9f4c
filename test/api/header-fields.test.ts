import { expect } from 'chai';
import type http from 'node:http';
import { CASE_MESSAGES } from '../../src/errors/catalogue';
import { COOKIE_MODE, cookieHeader, cookieLogin, NAMES } from '../support/cookies';
import { loggedInUser, PASSWORD } from '../support/factories';
import {
  closeRaw,
  expectOurError,
  headerOf,
  listenRaw,
  rawServerPerSuite,
  send,
  type RawRequest,
} from '../support/raw-http';

const ORIGIN = 'https://app.example.test';

describe('header fields read as one value', () => {
  let server: http.Server;

  before(async () => {
    server = await listenRaw({ ...COOKIE_MODE, CORS_ORIGINS: ORIGIN });
  });

  after(() => closeRaw(server));

  /**
   * Each field the server reads as one value, in a request where a second line would change the
   * answer if it were not refused (Node keeps the first line of some, joins the others with ", ").
   */
  const cases: Array<[string, () => RawRequest | Promise<RawRequest>]> = [
    [
      'Host',
      () => ({
        headers: [
          ['Host', 'a.test'],
          ['host', 'b.test'],
        ],
      }),
    ],
    [
      'Authorization',
      async () => {
        const { accessToken } = await loggedInUser();
        const bearer = `Bearer ${accessToken}`;
        return {
          path: '/auth/user',
          headers: [
            ['Host', 'x'],
            ['Authorization', bearer],
            ['Authorization', bearer],
          ],
        };
      },
    ],
    [
      'Content-Type',
      async () => {
        const { user } = await loggedInUser();
        const body = JSON.stringify({ email: user.email, password: PASSWORD });
        return {
          method: 'POST',
          path: '/auth/login',
          headers: [
            ['Host', 'x'],
            ['Content-Type', 'application/json'],
            ['CONTENT-TYPE', 'text/plain'],
            ['Content-Length', String(Buffer.byteLength(body))],
          ],
          body,
        };
      },
    ],
    [
      'Origin',
      () => ({
        headers: [
          ['Host', 'x'],
          ['Origin', ORIGIN],
          ['Origin', ORIGIN],
        ],
      }),
    ],
    [
      'Access-Control-Request-Method',
      () => ({
        method: 'OPTIONS',
        path: '/auth/login',
        headers: [
          ['Host', 'x'],
          ['Origin', ORIGIN],
          ['Access-Control-Request-Method', 'POST'],
          ['Access-Control-Request-Method', 'DELETE'],
        ],
      }),
    ],
    [
      'X-CSRF-Token',
      async () => {
        const { access, csrf } = await cookieLogin();
        return {
          method: 'POST',
          path: '/auth/logout',
          headers: [
            ['Host', 'x'],
            ['Cookie', cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf })],
            ['X-CSRF-Token', csrf],
            ['X-CSRF-Token', csrf],
          ],
        };
      },
    ],
    [
      'X-Auth-Transport',
      () => ({
        method: 'POST',
        path: '/auth/refresh',
        headers: [
          ['Host', 'x'],
          ['X-Auth-Transport', 'cookie'],
          ['X-Auth-Transport', 'cookie'],
        ],
      }),
    ],
    [
      'X-Request-Id',
      () => ({
        headers: [
          ['Host', 'x'],
          ['X-Request-Id', 'one'],
          ['x-request-id', 'two'],
        ],
      }),
    ],
  ];

  for (const [name, build] of cases) {
    it(`answers ${name} sent on two lines with 400 BAD_REQUEST naming it, in our JSON shape`, async () => {
      const response = await send(server, await build());
      expectOurError(response, 400, 'BAD_REQUEST');
      expect(JSON.parse(response.body).error.message).to.equal(CASE_MESSAGES.headerRepeated(name));
    });
  }

  it('accepts Cookie on two lines: they are joined with "; " (RFC 9113 §8.2.3), losing nothing', async () => {
    const { access, csrf } = await cookieLogin();
    const response = await send(server, {
      path: '/auth/user',
      headers: [
        ['Host', 'x'],
        ['Cookie', cookieHeader({ [NAMES.access]: access })],
        ['Cookie', cookieHeader({ [NAMES.csrf]: csrf })],
      ],
    });
    expect(response.status, response.body).to.equal(200);
  });

  it('accepts list fields on several lines: X-Forwarded-For, Accept, and User-Agent, which decides nothing', async () => {
    const response = await send(server, {
      headers: [
        ['Host', 'x'],
        ['X-Forwarded-For', '192.0.2.1'],
        ['X-Forwarded-For', '192.0.2.2'],
        ['Accept', 'application/json'],
        ['Accept', '*/*'],
        ['User-Agent', 'one'],
        ['User-Agent', 'two'],
      ],
    });
    expect(response.status, response.body).to.equal(200);
  });
});

describe('the Host header (RFC 9112 §3.2)', () => {
  const server = rawServerPerSuite();

  it('answers an HTTP/1.1 request without Host with 400 BAD_REQUEST in our JSON shape, not Node bare 400', async () => {
    const response = await send(server(), { headers: [] });
    expectOurError(response, 400, 'BAD_REQUEST');
    expect(JSON.parse(response.body).error.message).to.equal(CASE_MESSAGES.hostMissing);
  });

  it('serves an HTTP/1.0 request without Host, which HTTP/1.0 allows', async () => {
    const response = await send(server(), { version: '1.0', headers: [] });
    expect(response.status, response.body).to.equal(200);
  });

  for (const host of ['a b.test', 'a.test:80:80', 'a.test/path', 'user@a.test', '[::1', 'a.test:http', 'ex%zzample']) {
    it(`answers Host: ${host} with 400 BAD_REQUEST`, async () => {
      const response = await send(server(), { headers: [['Host', host]] });
      expectOurError(response, 400, 'BAD_REQUEST');
      expect(JSON.parse(response.body).error.message).to.equal(CASE_MESSAGES.hostInvalid);
    });
  }

  for (const host of ['a.test', 'a.test:8080', '127.0.0.1:3000', '[::1]:3000', 'xn--bcher-kva.example', '']) {
    it(`serves Host: ${host === '' ? '(empty)' : host}`, async () => {
      const response = await send(server(), { headers: [['Host', host]] });
      expect(response.status, response.body).to.equal(200);
      expect(headerOf(response, 'X-Request-Id')).to.be.a('string');
    });
  }
});
