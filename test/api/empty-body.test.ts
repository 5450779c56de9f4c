import { expect } from 'chai';
import type http from 'node:http';
import { gzipSync } from 'node:zlib';
import { createApp } from '../../src/server';
import { routesOf } from '../fuzz/routes';
import { silentLogger, testConfig } from '../support/config';
import { COOKIE_MODE, cookieHeader, cookieLogin, NAMES } from '../support/cookies';
import { loggedInUser } from '../support/factories';
import { closeRaw, headerOf, listenRaw, send, type RawRequest, type RawResponse } from '../support/raw-http';

/** Ways to send no body: a zero length, a chunked body of no chunks, no framing at all, gzip of nothing or zero bytes. */
const EMPTY_FRAMINGS: ReadonlyArray<[string, ReadonlyArray<readonly [string, string]>, Buffer]> = [
  ['Content-Length: 0', [['Content-Length', '0']], Buffer.alloc(0)],
  ['a chunked body with no data', [['Transfer-Encoding', 'chunked']], Buffer.from('0\r\n\r\n')],
  ['no length at all', [], Buffer.alloc(0)],
  [
    'gzip of nothing',
    [
      ['Content-Encoding', 'gzip'],
      ['Content-Length', String(gzipSync('').length)],
    ],
    gzipSync(''),
  ],
  [
    'zero bytes labelled gzip',
    [
      ['Content-Encoding', 'gzip'],
      ['Content-Length', '0'],
    ],
    Buffer.alloc(0),
  ],
];

/** Content types a client labels an empty body with: none of them makes it a body. */
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  null,
];

/** What each route that reads a body answers to none: the required fields it names, or success. */
const REQUIRED_FIELDS: Readonly<Record<string, string[] | 'optional'>> = {
  'POST /auth/signup': ['email', 'password', 'name'],
  'POST /auth/login': ['email', 'password'],
  'POST /auth/refresh': ['refresh_token'],
  'POST /auth/logout': 'optional',
  'POST /auth/password': ['current_password', 'new_password'],
  'POST /auth/password/forgot': ['email'],
  'POST /auth/password/reset': ['token', 'new_password'],
  'POST /auth/email/verify': ['token'],
  'POST /auth/oidc/exchange': ['code', 'code_verifier'],
  // Sent to the literal path `/admin/users/:id`: the path parameter is refused first.
  'PATCH /admin/users/:id': ['id'],
};

function emptyRequest(
  method: string,
  path: string,
  contentType: string | null,
  framing: ReadonlyArray<readonly [string, string]>,
  body: Buffer,
  extra: ReadonlyArray<readonly [string, string]> = [],
): RawRequest {
  const type: Array<[string, string]> = contentType === null ? [] : [['Content-Type', contentType]];
  return { method, path, headers: [['Host', 'x'], ...type, ...framing, ...extra], body };
}

/** The error of a JSON error answer; undefined for anything else. */
function errorOf(response: RawResponse): { code: string; details?: Array<{ field: string }> } | undefined {
  if (!(headerOf(response, 'Content-Type') ?? '').startsWith('application/json')) return undefined;
  return (JSON.parse(response.body) as { error?: { code: string; details?: Array<{ field: string }> } }).error;
}

describe('an empty body is no body, whatever its Content-Type', () => {
  let server: http.Server;

  before(async () => {
    server = await listenRaw(COOKIE_MODE);
  });

  after(() => closeRaw(server));

  it('covers every route that reads a body (each answers a lone "{" with INVALID_JSON)', async () => {
    const { accessToken } = await loggedInUser();
    const app = createApp({ config: testConfig(), logger: silentLogger });
    const readsBody: string[] = [];
    for (const route of routesOf(app)) {
      for (const method of route.methods.filter((name) => name !== 'HEAD' && name !== 'OPTIONS')) {
        const path = route.pattern.replace(/:\w+/g, 'probe');
        const response = await send(server, {
          method,
          path,
          headers: [
            ['Host', 'x'],
            ['Authorization', `Bearer ${accessToken}`],
            ['Content-Type', 'application/json'],
            ['Content-Length', '1'],
          ],
          body: '{',
        });
        if (errorOf(response)?.code === 'INVALID_JSON') readsBody.push(`${method} ${route.pattern}`);
      }
    }
    expect(readsBody.sort()).to.deep.equal(Object.keys(REQUIRED_FIELDS).sort());
  });

  for (const [route, required] of Object.entries(REQUIRED_FIELDS)) {
    const [method = '', path = ''] = route.split(' ');
    for (const [framingLabel, framing, body] of EMPTY_FRAMINGS) {
      for (const contentType of CONTENT_TYPES) {
        const label = `${route}, ${framingLabel}, Content-Type: ${contentType ?? '(none)'}`;
        if (required === 'optional') {
          it(`${label}: succeeds as with no body, and the token is revoked`, async () => {
            const { accessToken } = await loggedInUser();
            const bearer: [string, string] = ['Authorization', `Bearer ${accessToken}`];
            const response = await send(server, emptyRequest(method, path, contentType, framing, body, [bearer]));
            expect(response.status, response.body).to.equal(200);
            const after = await send(server, { path: '/auth/user', headers: [['Host', 'x'], bearer] });
            expect(errorOf(after)?.code).to.equal('TOKEN_REVOKED');
          });
        } else {
          it(`${label}: 400 VALIDATION_FAILED naming ${required.join(', ')}`, async () => {
            const { accessToken } = await loggedInUser();
            const bearer: [string, string] = ['Authorization', `Bearer ${accessToken}`];
            const response = await send(server, emptyRequest(method, path, contentType, framing, body, [bearer]));
            expect(response.status, response.body).to.equal(400);
            expect(errorOf(response)?.code).to.equal('VALIDATION_FAILED');
            expect(errorOf(response)?.details?.map((detail) => detail.field)).to.deep.equal(required);
          });
        }
      }
    }
  }

  for (const [framingLabel, framing, body] of EMPTY_FRAMINGS) {
    it(`cookie mode: POST /auth/refresh with ${framingLabel} and Content-Type: application/json uses the cookie`, async () => {
      const login = await cookieLogin();
      const cookies = cookieHeader({
        [NAMES.access]: login.access,
        [NAMES.refresh]: login.refresh,
        [NAMES.csrf]: login.csrf,
      });
      const extra: Array<[string, string]> = [
        ['X-Auth-Transport', 'cookie'],
        ['Cookie', cookies],
        ['X-CSRF-Token', login.csrf],
      ];
      const response = await send(
        server,
        emptyRequest('POST', '/auth/refresh', 'application/json', framing, body, extra),
      );
      expect(response.status, response.body).to.equal(200);
      expect(response.headers['set-cookie']).to.have.lengthOf(3);
    });

    it(`cookie mode: POST /auth/logout with ${framingLabel} and Content-Type: application/json logs out`, async () => {
      const login = await cookieLogin();
      const cookies = cookieHeader({ [NAMES.access]: login.access, [NAMES.csrf]: login.csrf });
      const extra: Array<[string, string]> = [
        ['Cookie', cookies],
        ['X-CSRF-Token', login.csrf],
      ];
      const response = await send(
        server,
        emptyRequest('POST', '/auth/logout', 'application/json', framing, body, extra),
      );
      expect(response.status, response.body).to.equal(200);
      expect(response.headers['set-cookie']?.every((header) => header.includes('Max-Age=0'))).to.equal(true);
      const after = await send(server, {
        path: '/auth/user',
        headers: [
          ['Host', 'x'],
          ['Cookie', cookieHeader({ [NAMES.access]: login.access })],
        ],
      });
      expect(errorOf(after)?.code).to.equal('TOKEN_REVOKED');
    });
  }

  it('answers whitespace alone labelled JSON with 400 INVALID_JSON: it is not JSON (RFC 8259 §2)', async () => {
    const response = await send(server, {
      method: 'POST',
      path: '/auth/login',
      headers: [
        ['Host', 'x'],
        ['Content-Type', 'application/json'],
        ['Content-Length', '3'],
      ],
      body: ' \r\n',
    });
    expect(errorOf(response)?.code).to.equal('INVALID_JSON');
  });

  it('answers the JSON text "" (an empty string, not an empty body) with 400 VALIDATION_FAILED', async () => {
    const { accessToken } = await loggedInUser();
    const authenticated = await send(server, {
      method: 'POST',
      path: '/auth/logout',
      headers: [
        ['Host', 'x'],
        ['Authorization', `Bearer ${accessToken}`],
        ['Content-Type', 'application/json'],
        ['Content-Length', '2'],
      ],
      body: '""',
    });
    expect(errorOf(authenticated)?.code).to.equal('VALIDATION_FAILED');
  });

  it('still answers a non-empty body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await send(server, {
      method: 'POST',
      path: '/auth/login',
      headers: [
        ['Host', 'x'],
        ['Content-Type', 'text/plain'],
        ['Transfer-Encoding', 'chunked'],
      ],
      body: '1\r\nx\r\n0\r\n\r\n',
    });
    expect(errorOf(response)?.code).to.equal('UNSUPPORTED_MEDIA_TYPE');
  });
});
