import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { BlockedToken, Session, User } from '../../src/models';
import { createDatabase } from '../../src/repositories';
import { purgeExpired } from '../../src/services/purge.service';
import { basicAuth, TEST_CLIENT } from '../support/config';
import { testSequelize } from '../support/database';
import { api, loggedInUser, signToken } from '../support/factories';
import { expectOurError, rawServerPerSuite, send } from '../support/raw-http';

const CLIENT = basicAuth(TEST_CLIENT.id, TEST_CLIENT.secret);
let app: ReturnType<typeof api>;
before(() => {
  app = api();
});

const introspect = (token: string) => app.post('/auth/introspect').set('Authorization', CLIENT).send({ token });
const revoke = (token: string) => app.post('/auth/revoke').set('Authorization', CLIENT).type('form').send({ token });
const userStatus = async (token: string) =>
  (await app.get('/auth/user').set('Authorization', `Bearer ${token}`)).status;

describe('POST /auth/introspect', () => {
  it('answers a live access token with its claims, and client_id, uncached', async () => {
    const { user, accessToken, sessionId } = await loggedInUser();
    const response = await introspect(accessToken).expect(200);
    expect(response.headers['cache-control']).to.equal('no-store');
    expect(response.body).to.include({
      active: true,
      sub: String(user.id),
      sid: sessionId,
      token_type: 'access_token',
      client_id: TEST_CLIENT.id,
    });
    expect(response.body.exp - response.body.iat).to.equal(900);
  });

  it('reads a form-encoded body as RFC 7662 clients send it', async () => {
    const { refreshToken, user } = await loggedInUser();
    const response = await app
      .post('/auth/introspect')
      .set('Authorization', CLIENT)
      .type('form')
      .send({ token: refreshToken, token_type_hint: 'refresh_token' })
      .expect(200);
    expect(response.body).to.include({ active: true, sub: String(user.id), token_type: 'refresh_token' });
  });

  it('answers {active:false} for garbage, a logged-out, disabled or deleted user, and a rotated refresh token', async () => {
    const cases: Array<[string, () => Promise<string>]> = [
      ['garbage', () => Promise.resolve('garbage')],
      ['a JWT-looking string', () => Promise.resolve('eyJhbGciOiJIUzI1NiJ9.e30.c2ln')],
      [
        'logged out',
        async () => {
          const { accessToken } = await loggedInUser();
          await app.post('/auth/logout').set('Authorization', `Bearer ${accessToken}`).expect(200);
          return accessToken;
        },
      ],
      [
        'logged out everywhere',
        async () => {
          const { accessToken } = await loggedInUser();
          await app
            .post('/auth/logout')
            .set('Authorization', `Bearer ${accessToken}`)
            .send({ scope: 'all' })
            .expect(200);
          return accessToken;
        },
      ],
      [
        'disabled user',
        async () => {
          const { user, accessToken } = await loggedInUser();
          await User.update({ disabledAt: new Date() }, { where: { id: user.id } });
          return accessToken;
        },
      ],
      [
        'disabled user, refresh token',
        async () => {
          const { user, refreshToken } = await loggedInUser();
          await User.update({ disabledAt: new Date() }, { where: { id: user.id } });
          return refreshToken;
        },
      ],
      [
        'deleted user',
        async () => {
          const { user, accessToken } = await loggedInUser();
          await user.destroy();
          return accessToken;
        },
      ],
      [
        'rotated refresh token',
        async () => {
          const { refreshToken } = await loggedInUser();
          await app.post('/auth/refresh').send({ refresh_token: refreshToken }).expect(200);
          return refreshToken;
        },
      ],
    ];
    for (const [label, tokenOf] of cases) {
      // A fresh app per case: its cache has not seen the user before the change.
      const response = await api()
        .post('/auth/introspect')
        .set('Authorization', CLIENT)
        .send({ token: await tokenOf() });
      expect(response.status, label).to.equal(200);
      expect(response.body, label).to.deep.equal({ active: false });
    }
  });

  it('answers 401 with WWW-Authenticate: Basic to a missing, unknown or wrong client', async () => {
    const { accessToken } = await loggedInUser();
    const wrong = [
      undefined,
      `Bearer ${accessToken}`,
      basicAuth(TEST_CLIENT.id, `${TEST_CLIENT.secret}x`),
      basicAuth('someone-else', TEST_CLIENT.secret),
      basicAuth(TEST_CLIENT.id, ''),
      'Basic !!!',
    ];
    for (const header of wrong) {
      const request = app.post('/auth/introspect').send({ token: accessToken });
      const response = await (header === undefined ? request : request.set('Authorization', header));
      expect(response.status, header).to.equal(401);
      expect(response.body.error.code, header).to.equal('CLIENT_UNAUTHENTICATED');
      expect(response.headers['www-authenticate'], header).to.match(/^Basic /);
    }
  });
});

describe('POST /auth/revoke', () => {
  it('blocklists an access token: the middleware refuses it and introspection says inactive', async () => {
    const { accessToken, user } = await loggedInUser();
    const response = await revoke(accessToken).expect(200);
    expect(response.text).to.equal('');
    expect(await userStatus(accessToken)).to.equal(401);
    expect((await introspect(accessToken)).body).to.deep.equal({ active: false });
    const row = await BlockedToken.findOne({ where: { userId: user.id }, raw: true });
    expect(row?.reason).to.equal('client_revocation');
  });

  it('ends the session of a refresh token, and with it the access tokens of that session', async () => {
    const { accessToken, refreshToken, sessionId } = await loggedInUser();
    await revoke(refreshToken).expect(200);
    expect((await introspect(refreshToken)).body).to.deep.equal({ active: false });
    expect(await userStatus(accessToken)).to.equal(401);
    await app.post('/auth/refresh').send({ refresh_token: refreshToken }).expect(401);
    const live = await Session.count({ where: { familyId: sessionId, revokedAt: null } });
    expect(live).to.equal(0);
  });

  it('answers 200 with an empty body for a token that was not valid (RFC 7009 §2.2), 401 for a bad client', async () => {
    for (const token of [
      'garbage',
      'eyJhbGciOiJIUzI1NiJ9.e30.c2ln',
      'AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const response = await revoke(token);
      expect(response.status, token).to.equal(200);
      expect(response.text, token).to.equal('');
    }
    const { accessToken } = await loggedInUser();
    await app.post('/auth/revoke').type('form').send({ token: accessToken }).expect(401);
    expect(await userStatus(accessToken)).to.equal(200);
  });

  it('keeps a token refused past its exp for as long as JWT_CLOCK_TOLERANCE_SECONDS still accepts it, purge or not', async () => {
    const tolerant = api({ JWT_CLOCK_TOLERANCE_SECONDS: '120' });
    const { user, sessionId } = await loggedInUser();
    const now = Math.floor(Date.now() / 1000);
    // Expired 10 s ago: dead by exp, alive by exp + 120 s of tolerance.
    const jti = randomBytes(16).toString('base64url');
    const token = signToken(
      { sid: sessionId, ver: 0, iat: now - 100, exp: now - 10 },
      { subject: String(user.id), jwtid: jti },
    );
    await tolerant.get('/auth/user').set('Authorization', `Bearer ${token}`).expect(200);
    await tolerant.post('/auth/revoke').set('Authorization', CLIENT).type('form').send({ token }).expect(200);

    await purgeExpired(createDatabase(testSequelize()), new Date(), 5000);

    expect(await BlockedToken.count({ where: { jti } })).to.equal(1);
    // A fresh process, with nothing cached: the database alone must still say revoked.
    const response = await api({ JWT_CLOCK_TOLERANCE_SECONDS: '120' })
      .get('/auth/user')
      .set('Authorization', `Bearer ${token}`);
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_REVOKED');
  });
});

describe('a form body whose bytes are not UTF-8', () => {
  const server = rawServerPerSuite();

  it('is 400 BAD_REQUEST, as a JSON one is refused: no byte turns into U+FFFD, in a name or a value', async () => {
    const { accessToken } = await loggedInUser();
    const post = (body: Buffer) =>
      send(server(), {
        method: 'POST',
        path: '/auth/introspect',
        headers: [
          ['Host', 'localhost'],
          ['Authorization', CLIENT],
          ['Content-Type', 'application/x-www-form-urlencoded'],
          ['Content-Length', String(body.length)],
        ],
        body,
      });
    for (const body of [
      Buffer.concat([Buffer.from(`token=${accessToken}`), Buffer.from([0xff])]),
      Buffer.concat([Buffer.from(`token=${accessToken}&token_type_hint=access_token&x`), Buffer.from([0xc0, 0x80])]),
    ]) {
      expectOurError(await post(body), 400, 'BAD_REQUEST');
    }
    // UTF-8, and percent-encoded bytes, are read as before.
    const fine = await post(Buffer.from(`token=${accessToken}&token_type_hint=access%5Ftoken`));
    expect(fine.status, fine.body).to.equal(200);
    expect(JSON.parse(fine.body)).to.include({ active: true });
  });
});
