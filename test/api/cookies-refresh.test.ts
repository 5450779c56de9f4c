import { expect } from 'chai';
import { Session } from '../../src/models';
import { CLEARED, COOKIE_MODE, cookieHeader, cookieLogin, NAMES, setCookiesOf, valueOf } from '../support/cookies';
import { api, decode, loggedInUser } from '../support/factories';

const rowIdOf = (refreshToken: string): string => refreshToken.split('.')[0] ?? '';

/** What a browser sends to /auth/refresh: all three cookies (the refresh cookie's path matches). */
function refreshCookies(values: { access: string; refresh: string; csrf: string }): string {
  return cookieHeader({ [NAMES.access]: values.access, [NAMES.refresh]: values.refresh, [NAMES.csrf]: values.csrf });
}

describe('POST /auth/refresh with the refresh cookie', () => {
  it('rotates: new access, refresh and CSRF cookies, no tokens in the body, the old row retired', async () => {
    const login = await cookieLogin();
    const app = api(COOKIE_MODE);
    const response = await app
      .post('/auth/refresh')
      .set('X-Auth-Transport', 'cookie')
      .set('Cookie', refreshCookies(login))
      .set('X-CSRF-Token', login.csrf);

    expect(response.status).to.equal(200);
    expect(Object.keys(response.body).sort()).to.deep.equal(['csrf_token', 'expires_in', 'refresh_expires_in']);
    const cookies = setCookiesOf(response);
    const next = {
      access: valueOf(cookies.get(NAMES.access)),
      refresh: valueOf(cookies.get(NAMES.refresh)),
      csrf: valueOf(cookies.get(NAMES.csrf)),
    };
    expect(next.access).to.not.equal(login.access);
    expect(next.refresh).to.not.equal(login.refresh);
    expect(next.csrf).to.equal(response.body.csrf_token).and.not.equal(login.csrf);
    expect(cookies.get(NAMES.refresh)).to.match(/; Path=\/auth\/refresh; HttpOnly; Secure; SameSite=Lax$/);
    expect(decode(next.access).sid).to.equal(login.sessionId);
    const parent = await Session.findByPk(rowIdOf(login.refresh), { rejectOnEmpty: true });
    expect(parent.reason).to.equal('rotated');
    const user = await app.get('/auth/user').set('Cookie', cookieHeader({ [NAMES.access]: next.access }));
    expect(user.status).to.equal(200);
  });

  it('returns 403 CSRF_TOKEN_INVALID without X-CSRF-Token and leaves the refresh token unused', async () => {
    const login = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .post('/auth/refresh')
      .set('X-Auth-Transport', 'cookie')
      .set('Cookie', refreshCookies(login));
    expect(response.status).to.equal(403);
    expect(response.body.error.code).to.equal('CSRF_TOKEN_INVALID');
    expect(response.headers).to.not.have.property('set-cookie');
    const row = await Session.findByPk(rowIdOf(login.refresh), { rejectOnEmpty: true });
    expect(row.revokedAt).to.equal(null);
  });

  it('returns 401 UNAUTHENTICATED with neither a refresh cookie nor a body token', async () => {
    const response = await api(COOKIE_MODE).post('/auth/refresh').set('X-Auth-Transport', 'cookie');
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('UNAUTHENTICATED');
  });

  it('ignores the refresh cookie without X-Auth-Transport: 400 VALIDATION_FAILED as before', async () => {
    const login = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .post('/auth/refresh')
      .set('Cookie', refreshCookies(login))
      .set('X-CSRF-Token', login.csrf);
    expect(response.status).to.equal(400);
    expect(response.body.error.details).to.deep.equal([
      { field: 'refresh_token', message: 'refresh_token is required' },
    ]);
  });

  it('takes a body refresh_token over the cookie, without a CSRF token, and answers in cookies', async () => {
    const { refreshToken, sessionId } = await loggedInUser();
    const response = await api(COOKIE_MODE)
      .post('/auth/refresh')
      .set('X-Auth-Transport', 'cookie')
      .set('Cookie', cookieHeader({ [NAMES.refresh]: 'garbage' }))
      .send({ refresh_token: refreshToken });
    expect(response.status).to.equal(200);
    expect(response.body).to.not.have.property('refresh_token');
    expect(decode(valueOf(setCookiesOf(response).get(NAMES.access))).sid).to.equal(sessionId);
  });

  it('clears the cookies when the refresh cookie was reused (its session is over)', async () => {
    const login = await cookieLogin();
    const app = api({ ...COOKIE_MODE, REFRESH_GRACE_SECONDS: '0' });
    const refresh = () =>
      app
        .post('/auth/refresh')
        .set('X-Auth-Transport', 'cookie')
        .set('Cookie', refreshCookies(login))
        .set('X-CSRF-Token', login.csrf);
    expect((await refresh()).status).to.equal(200);

    const replay = await refresh();

    expect(replay.status).to.equal(401);
    expect(replay.body.error.code).to.equal('REFRESH_TOKEN_REUSED');
    expect([...setCookiesOf(replay).values()]).to.deep.equal(CLEARED);
  });

  it('clears the cookies for an unknown refresh cookie', async () => {
    const login = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .post('/auth/refresh')
      .set('X-Auth-Transport', 'cookie')
      .set('Cookie', refreshCookies({ ...login, refresh: `${'a'.repeat(22)}.${'b'.repeat(43)}` }))
      .set('X-CSRF-Token', login.csrf);
    expect(response.body.error.code).to.equal('REFRESH_TOKEN_INVALID');
    expect([...setCookiesOf(response).values()]).to.deep.equal(CLEARED);
  });

  it('sets cookies only on the winner of concurrent refreshes; the 409s leave its cookies alone', async () => {
    const login = await cookieLogin();
    const app = api(COOKIE_MODE);
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        app
          .post('/auth/refresh')
          .set('X-Auth-Transport', 'cookie')
          .set('Cookie', refreshCookies(login))
          .set('X-CSRF-Token', login.csrf),
      ),
    );
    expect(responses.map((response) => response.status).sort()).to.deep.equal([200, 409, 409, 409, 409, 409]);
    for (const response of responses) {
      expect(setCookiesOf(response).size).to.equal(response.status === 200 ? 3 : 0);
    }
  });
});
