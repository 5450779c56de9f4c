import { expect } from 'chai';
import { CASE_MESSAGES } from '../../src/errors/catalogue';
import { Session } from '../../src/models';
import { COOKIE_MODE, cookieHeader, cookieLogin, NAMES } from '../support/cookies';
import { api, loggedInUser, signRawToken, signToken } from '../support/factories';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Values shaped like a JWT, of every length: each is an access token, never a refresh token. */
async function jwtLookingValues(): Promise<Array<[string, string]>> {
  const { accessToken } = await loggedInUser();
  return [
    ['a real access token', accessToken],
    ['a short signed JWT (under 128 characters)', signToken({ a: 1 }, { noTimestamp: true })],
    ['an unsigned JWT (alg none)', `${base64url({ alg: 'none' })}.${base64url({ sub: '1' })}.`],
    ['a JWT with a truncated payload', signRawToken({ sub: '1' }).replace(/\.[^.]+\./, '.eyJzdWIiOg.')],
    ['a JWE (five parts)', `${base64url({ alg: 'dir', enc: 'A128GCM' })}..aXY.Y2lwaGVy.dGFn`],
  ];
}

describe('errors that say what to do', () => {
  it('TOKEN_EXPIRED points at POST /auth/refresh', async () => {
    const { user, sessionId } = await loggedInUser();
    const now = Math.floor(Date.now() / 1000);
    const expired = signToken({
      sub: String(user.id),
      sid: sessionId,
      ver: 0,
      jti: 'expired-1',
      iat: now - 120,
      exp: now - 60,
    });
    const response = await api().get('/auth/user').set('Authorization', `Bearer ${expired}`);
    expect(response.body.error.code).to.equal('TOKEN_EXPIRED');
    expect(response.body.error.message).to.include('POST /auth/refresh');
  });

  it('UNAUTHENTICATED says to send Authorization: Bearer, and the access cookie where cookie mode is on', async () => {
    const bearerOnly = await api().get('/auth/user');
    expect(bearerOnly.body.error.message).to.include('Authorization: Bearer <access token>').and.not.include('cookie');
    const cookieMode = await api(COOKIE_MODE).get('/auth/user');
    expect(cookieMode.body.error).to.deep.equal({
      code: 'UNAUTHENTICATED',
      message: CASE_MESSAGES.unauthenticatedCookieMode,
    });
    expect(cookieMode.body.error.message).to.include('Authorization: Bearer').and.include('access cookie');
  });

  it('COOKIE_MODE_DISABLED names the server setting COOKIE_MODE=true', async () => {
    const response = await api().post('/auth/refresh').set('X-Auth-Transport', 'cookie').send({});
    expect(response.body.error.code).to.equal('COOKIE_MODE_DISABLED');
    expect(response.body.error.message).to.include('COOKIE_MODE=true');
  });

  describe('a JWT where a refresh token belongs', () => {
    for (const overrides of [{}, COOKIE_MODE]) {
      const mode = overrides === COOKIE_MODE ? 'cookie mode on' : 'cookie mode off';
      it(`is answered "not a refresh token" for every JWT shape, in the body (${mode})`, async () => {
        for (const [label, value] of await jwtLookingValues()) {
          const response = await api(overrides).post('/auth/refresh').send({ refresh_token: value });
          expect(response.status, label).to.equal(400);
          expect(response.body.error.code, label).to.equal('VALIDATION_FAILED');
          expect(response.body.error.details, label).to.deep.equal([
            { field: 'refresh_token', message: CASE_MESSAGES.accessTokenAsRefreshToken },
          ]);
        }
      });
    }

    it('is answered "not a refresh token" in the refresh cookie too, and the session is untouched', async () => {
      const login = await cookieLogin();
      const response = await api(COOKIE_MODE)
        .post('/auth/refresh')
        .set('X-Auth-Transport', 'cookie')
        .set('Cookie', cookieHeader({ [NAMES.refresh]: login.access, [NAMES.csrf]: login.csrf }))
        .set('X-CSRF-Token', login.csrf);
      expect(response.status).to.equal(401);
      expect(response.body.error).to.deep.equal({
        code: 'REFRESH_TOKEN_INVALID',
        message: CASE_MESSAGES.accessTokenAsRefreshToken,
      });
      expect(await Session.count({ where: { familyId: login.sessionId, revokedAt: null } })).to.equal(1);
    });

    it('leaves values that are no JWT to the usual answers', async () => {
      const tooLong = await api()
        .post('/auth/refresh')
        .send({ refresh_token: 'x'.repeat(129) });
      expect(tooLong.body.error.details).to.deep.equal([
        { field: 'refresh_token', message: 'refresh_token length must be less than or equal to 128 characters long' },
      ]);
      for (const value of ['a.b.c', 'e30.e30', 'not-a-refresh-token', 'W10.e30.sig']) {
        const response = await api().post('/auth/refresh').send({ refresh_token: value });
        expect(response.body.error, value).to.deep.equal({
          code: 'REFRESH_TOKEN_INVALID',
          message: 'The refresh token is not valid.',
        });
      }
    });
  });

  describe('a refresh token where an access token belongs', () => {
    it('is answered "not an access token" as Authorization: Bearer, with WWW-Authenticate', async () => {
      const { refreshToken } = await loggedInUser();
      const response = await api().get('/auth/user').set('Authorization', `Bearer ${refreshToken}`);
      expect(response.status).to.equal(401);
      expect(response.headers['www-authenticate']).to.equal('Bearer error="invalid_token"');
      expect(response.body.error).to.deep.equal({
        code: 'TOKEN_INVALID',
        message: CASE_MESSAGES.refreshTokenAsAccessToken,
      });
    });

    it('is answered "not an access token" in the access cookie too', async () => {
      const login = await cookieLogin();
      const response = await api(COOKIE_MODE)
        .get('/auth/user')
        .set('Cookie', cookieHeader({ [NAMES.access]: login.refresh }));
      expect(response.body.error).to.deep.equal({
        code: 'TOKEN_INVALID',
        message: CASE_MESSAGES.refreshTokenAsAccessToken,
      });
    });

    it('leaves other tokens that are no JWT to the usual TOKEN_INVALID', async () => {
      const response = await api().get('/auth/user').set('Authorization', 'Bearer abc.def');
      expect(response.body.error).to.deep.equal({ code: 'TOKEN_INVALID', message: 'The access token is not valid.' });
    });
  });
});
