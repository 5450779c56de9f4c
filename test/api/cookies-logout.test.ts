import { expect } from 'chai';
import { BlockedToken, Session } from '../../src/models';
import { CLEARED, COOKIE_MODE, cookieHeader, cookieLogin, NAMES, setCookiesOf } from '../support/cookies';
import { api, decode, loggedInUser, PASSWORD } from '../support/factories';

describe('POST /auth/logout with the access cookie', () => {
  const cases = [
    ['without X-CSRF-Token', null],
    ['with a wrong X-CSRF-Token of the same length', 'x'.repeat(43)],
    ['with a shorter X-CSRF-Token', 'abc'],
  ] as const;
  for (const [label, header] of cases) {
    it(`returns 403 CSRF_TOKEN_INVALID ${label}, and the session stays live`, async () => {
      const { access, csrf, sessionId } = await cookieLogin();
      const attempt = api(COOKIE_MODE)
        .post('/auth/logout')
        .set('Cookie', cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf }));
      const response = header === null ? await attempt : await attempt.set('X-CSRF-Token', header);
      expect(response.status).to.equal(403);
      expect(response.body.error.code).to.equal('CSRF_TOKEN_INVALID');
      expect(response.headers).to.not.have.property('set-cookie');
      expect(await BlockedToken.count({ where: { jti: String(decode(access).jti) } })).to.equal(0);
      expect(await Session.count({ where: { familyId: sessionId, revokedAt: null } })).to.equal(1);
    });
  }

  it('returns 403 CSRF_TOKEN_INVALID when the CSRF cookie is missing, whatever the header says', async () => {
    const { access, csrf } = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .post('/auth/logout')
      .set('Cookie', cookieHeader({ [NAMES.access]: access }))
      .set('X-CSRF-Token', csrf);
    expect(response.body.error.code).to.equal('CSRF_TOKEN_INVALID');
  });

  it('returns 200 with the right X-CSRF-Token, revokes the token and clears all three cookies', async () => {
    const { access, csrf, sessionId } = await cookieLogin();
    const app = api(COOKIE_MODE);
    const response = await app
      .post('/auth/logout')
      .set('Cookie', cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf }))
      .set('X-CSRF-Token', csrf);
    expect(response.status).to.equal(200);
    expect([...setCookiesOf(response).values()]).to.deep.equal(CLEARED);
    expect(await BlockedToken.count({ where: { jti: String(decode(access).jti) } })).to.equal(1);
    expect(await Session.count({ where: { familyId: sessionId, revokedAt: null } })).to.equal(0);
    const after = await app.get('/auth/user').set('Cookie', cookieHeader({ [NAMES.access]: access }));
    expect(after.body.error.code).to.equal('TOKEN_REVOKED');
  });

  it('needs no CSRF token with a Bearer header (cookies ignored), and still clears the cookies', async () => {
    const { accessToken } = await loggedInUser();
    const response = await api(COOKIE_MODE)
      .post('/auth/logout')
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Cookie', cookieHeader({ [NAMES.access]: 'garbage', [NAMES.csrf]: 'y'.repeat(43) }));
    expect(response.status).to.equal(200);
    expect([...setCookiesOf(response).values()]).to.deep.equal(CLEARED);
  });

  it('clears the cookies for scope all, but keeps them for scope others (this session lives on)', async () => {
    const { access, csrf } = await cookieLogin();
    const cookie = cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf });
    const app = api(COOKIE_MODE);
    const others = await app
      .post('/auth/logout')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ scope: 'others' });
    expect(others.status).to.equal(200);
    expect(others.headers).to.not.have.property('set-cookie');
    const all = await app.post('/auth/logout').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ scope: 'all' });
    expect(all.status).to.equal(200);
    expect([...setCookiesOf(all).values()]).to.deep.equal(CLEARED);
  });

  it('sets no cookies on a logout when COOKIE_MODE is off', async () => {
    const { accessToken } = await loggedInUser();
    const response = await api().post('/auth/logout').set('Authorization', `Bearer ${accessToken}`);
    expect(response.status).to.equal(200);
    expect(response.headers).to.not.have.property('set-cookie');
  });
});

describe('DELETE /auth/sessions/:id with the access cookie', () => {
  it('needs the CSRF token, and clears the cookies when it ends the current session', async () => {
    const { access, csrf, sessionId } = await cookieLogin();
    const app = api(COOKIE_MODE);
    const cookie = cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf });
    const forged = await app.delete(`/auth/sessions/${sessionId}`).set('Cookie', cookie);
    expect(forged.status).to.equal(403);
    expect(forged.body.error.code).to.equal('CSRF_TOKEN_INVALID');
    const response = await app.delete(`/auth/sessions/${sessionId}`).set('Cookie', cookie).set('X-CSRF-Token', csrf);
    expect(response.status).to.equal(200);
    expect([...setCookiesOf(response).values()]).to.deep.equal(CLEARED);
  });

  it('keeps the cookies when it ends another session of the user', async () => {
    const { user, access, csrf } = await cookieLogin();
    const app = api(COOKIE_MODE);
    const other = await app.post('/auth/login').send({ email: user.email, password: PASSWORD }).expect(200);
    const otherSessionId = String(decode(other.body.access_token).sid);
    const response = await app
      .delete(`/auth/sessions/${otherSessionId}`)
      .set('Cookie', cookieHeader({ [NAMES.access]: access, [NAMES.csrf]: csrf }))
      .set('X-CSRF-Token', csrf);
    expect(response.status).to.equal(200);
    expect(response.headers).to.not.have.property('set-cookie');
    expect(await Session.count({ where: { familyId: otherSessionId, revokedAt: null } })).to.equal(0);
  });
});
