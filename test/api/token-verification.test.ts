import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { BlockedToken } from '../../src/models';
import { createApp } from '../../src/server';
import { hmacKeyId } from '../../src/services/key-material';
import { TEST_SECRET, testConfig } from '../support/config';
import { COOKIE_MODE, cookieHeader, NAMES } from '../support/cookies';
import { loggedInUser, signBytes, signSegments } from '../support/factories';

const HS256_JWT = '{"alg":"HS256","typ":"JWT"}';
const TOKEN_INVALID = { error: { code: 'TOKEN_INVALID', message: 'The access token is not valid.' } };
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const base64url = (bytes: string | Buffer): string => Buffer.from(bytes).toString('base64url');

/** An app whose log lines at error level or above are kept: a refused token must log none. */
function appKeepingErrorLogs(overrides: Record<string, string> = {}) {
  const errorLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line);
      }
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info' }, destination);
  return { agent: request(createApp({ config: testConfig(overrides), logger }).callback()), errorLines };
}

describe('access tokens that are not a valid signed JSON object of our claims', () => {
  let userId = 0;
  let sessionId = '';

  before(async () => {
    const caller = await loggedInUser();
    userId = caller.user.id;
    sessionId = caller.sessionId;
  });

  /** Claims the server accepts, for a live session: a token made of them fails only for its own defect. */
  function liveClaims(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    const jti = randomBytes(16).toString('base64url');
    return { sub: String(userId), sid: sessionId, ver: 0, jti, iat: now, exp: now + 600, ...extra };
  }
  const liveJson = (extra: Record<string, unknown> = {}): string => JSON.stringify(liveClaims(extra));

  /** Valid claims whose base64url spelling has a dangling fifth character, which decoders ignore. */
  function danglingCharacterPayload(): string {
    let text = liveJson();
    while (text.length % 3 !== 0) text += ' ';
    return `${base64url(text)}A`;
  }

  const nonObjects = ['null', '[]', `[${JSON.stringify({ sub: '1' })}]`, '"claims"', '42', '-1.5e300', 'true', 'false'];
  const cases: Array<[string, () => string]> = [
    ['the truncated payload of issue 10 (`{"sub":`)', () => 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOg.AAAA'],
    ['a signed truncated JSON payload', () => signBytes(HS256_JWT, liveJson().slice(0, 20))],
    ['a signed payload that is not JSON', () => signBytes(HS256_JWT, 'sub=1')],
    ['a signed payload with junk after the JSON', () => signBytes(HS256_JWT, `${liveJson()}}`)],
    ['a signed truncated JSON header', () => signBytes('{"alg":"HS256",', liveJson())],
    ['a signed header that is not JSON', () => signBytes('HS256', liveJson())],
    ...nonObjects.flatMap((payload): Array<[string, () => string]> => [
      [`a signed payload ${payload} (typ JWT)`, () => signBytes(HS256_JWT, payload)],
      [`a signed payload ${payload} (no typ)`, () => signBytes('{"alg":"HS256"}', payload)],
      [`a signed header ${payload}`, () => signBytes(payload, liveJson())],
    ]),
    ['a signed payload that is not UTF-8', () => signBytes(HS256_JWT, Buffer.from(liveJson({ x: 'é' }), 'latin1'))],
    [
      'a signed payload led by a byte-order mark',
      () => signBytes(HS256_JWT, Buffer.concat([BOM, Buffer.from(liveJson())])),
    ],
    [
      'a signed header led by a byte-order mark',
      () => signBytes(Buffer.concat([BOM, Buffer.from(HS256_JWT)]), liveJson()),
    ],
    [
      'a payload with the base64 characters + and /',
      () => signSegments(base64url(HS256_JWT), `${base64url(liveJson())}+/`),
    ],
    ['a payload with base64 padding', () => signSegments(base64url(HS256_JWT), `${base64url(liveJson())}==`)],
    [
      'a payload with a dangling base64url character',
      () => signSegments(base64url(HS256_JWT), danglingCharacterPayload()),
    ],
    ['a signature with characters outside base64url', () => `${signBytes(HS256_JWT, liveJson()).slice(0, -2)}+/`],
    ['an empty signature', () => `${base64url(HS256_JWT)}.${base64url(liveJson())}.`],
    ['an empty header', () => signSegments('', base64url(liveJson()))],
    ['four segments', () => `${signBytes(HS256_JWT, liveJson())}.${base64url('{}')}`],
    ['five segments', () => `${base64url(HS256_JWT)}.${signBytes(HS256_JWT, liveJson())}.AAAA`],
    ['two segments', () => `${base64url(HS256_JWT)}.${base64url(liveJson())}`],
    ['dots alone', () => '..'],
    ['one huge segment', () => `${'A'.repeat(12_000)}.${base64url(liveJson())}.AAAA`],
    ['a signed token of 9 000 characters', () => signBytes(HS256_JWT, liveJson({ padding: 'x'.repeat(6600) }))],
    // RFC 7515 §4.1.11: `crit` lists extensions the recipient must understand; we understand none.
    [
      'a crit header naming an unknown extension',
      () => signBytes('{"alg":"HS256","typ":"JWT","crit":["urn:example:ext"],"urn:example:ext":1}', liveJson()),
    ],
    // RFC 7797: with b64 false the payload is the segment text itself, not the claims it spells.
    [
      'an unencoded payload (b64 false, crit b64)',
      () => signBytes('{"alg":"HS256","b64":false,"crit":["b64"]}', liveJson()),
    ],
    ['an empty crit', () => signBytes('{"alg":"HS256","typ":"JWT","crit":[]}', liveJson())],
    ['a crit naming a registered parameter', () => signBytes('{"alg":"HS256","crit":["exp"]}', liveJson())],
    ['a crit that is not a list', () => signBytes('{"alg":"HS256","crit":"b64"}', liveJson())],
    ['a null crit', () => signBytes('{"alg":"HS256","crit":null}', liveJson())],
    // RFC 8725 §3.10: key sources named by the sender are never fetched nor trusted.
    ['a jku header', () => signBytes('{"alg":"HS256","jku":"https://attacker.example/jwks.json"}', liveJson())],
    ['a jwk header', () => signBytes('{"alg":"HS256","jwk":{"kty":"oct","k":"c2VjcmV0"}}', liveJson())],
    ['an x5u header', () => signBytes('{"alg":"HS256","x5u":"https://attacker.example/cert.pem"}', liveJson())],
    ['an x5c header', () => signBytes('{"alg":"HS256","x5c":["MIIBszCCAVmgAwIBAgIU"]}', liveJson())],
    ['a null jku header', () => signBytes('{"alg":"HS256","jku":null}', liveJson())],
    // RFC 8725 §3.11: explicit typing; only our own `typ`.
    ['typ at+jwt', () => signBytes('{"alg":"HS256","typ":"at+jwt"}', liveJson())],
    ['typ jwt in lower case', () => signBytes('{"alg":"HS256","typ":"jwt"}', liveJson())],
    ['typ application/jwt', () => signBytes('{"alg":"HS256","typ":"application/jwt"}', liveJson())],
    ['a null typ', () => signBytes('{"alg":"HS256","typ":null}', liveJson())],
    ['a numeric typ', () => signBytes('{"alg":"HS256","typ":1}', liveJson())],
    ['a list of algorithms', () => signBytes('{"alg":["HS256"],"typ":"JWT"}', liveJson())],
  ];

  for (const [label, token] of cases) {
    it(`returns 401 TOKEN_INVALID with WWW-Authenticate, and logs no error, for ${label}`, async () => {
      const { agent, errorLines } = appKeepingErrorLogs();
      const response = await agent.get('/auth/user').set('Authorization', `Bearer ${token()}`);
      expect(response.status).to.equal(401);
      expect(response.body).to.deep.equal(TOKEN_INVALID);
      expect(response.headers['www-authenticate']).to.equal('Bearer error="invalid_token"');
      expect(errorLines).to.deep.equal([]);
    });
  }

  it('refuses them on POST /auth/logout too, and blocks nothing', async () => {
    const { agent, errorLines } = appKeepingErrorLogs();
    for (const [label, token] of cases) {
      const response = await agent.post('/auth/logout').set('Authorization', `Bearer ${token()}`);
      expect(response.status, label).to.equal(401);
      expect(response.body, label).to.deep.equal(TOKEN_INVALID);
    }
    expect(await BlockedToken.count({ where: { userId } })).to.equal(0);
    expect(errorLines).to.deep.equal([]);
  });

  it('refuses them as the access cookie', async () => {
    const { agent, errorLines } = appKeepingErrorLogs(COOKIE_MODE);
    for (const [label, token] of cases) {
      const response = await agent.get('/auth/user').set('Cookie', cookieHeader({ [NAMES.access]: token() }));
      expect(response.status, label).to.equal(401);
      expect(response.body, label).to.deep.equal(TOKEN_INVALID);
    }
    expect(errorLines).to.deep.equal([]);
  });

  describe('what it still accepts', () => {
    it('its own tokens, whose header is exactly {"alg":"HS256","typ":"JWT","kid":<derived from the secret>}', async () => {
      const { user, accessToken } = await loggedInUser();
      const [header = ''] = accessToken.split('.');
      expect(Buffer.from(header, 'base64url').toString()).to.equal(
        JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: hmacKeyId(TEST_SECRET) }),
      );
      const { agent } = appKeepingErrorLogs();
      const response = await agent.get('/auth/user').set('Authorization', `Bearer ${accessToken}`);
      expect(response.status).to.equal(200);
      expect(response.body.user.id).to.equal(user.id);
    });

    it('a signed token without typ, or without kid (issued before kids), or with the kid of the secret', async () => {
      const { agent } = appKeepingErrorLogs();
      const kid = hmacKeyId(TEST_SECRET);
      for (const header of ['{"alg":"HS256"}', '{"alg":"HS256","typ":"JWT"}', `{"alg":"HS256","kid":"${kid}"}`]) {
        const response = await agent.get('/auth/user').set('Authorization', `Bearer ${signBytes(header, liveJson())}`);
        expect(response.status, header).to.equal(200);
      }
    });

    it('but not a kid that names no key, even correctly signed', async () => {
      const { agent } = appKeepingErrorLogs();
      for (const header of ['{"alg":"HS256","typ":"JWT","kid":"any"}', '{"alg":"HS256","kid":7}']) {
        const response = await agent.get('/auth/user').set('Authorization', `Bearer ${signBytes(header, liveJson())}`);
        expect(response.status, header).to.equal(401);
        expect(response.body, header).to.deep.equal(TOKEN_INVALID);
      }
    });
  });
});
