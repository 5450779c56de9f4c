import { expect } from 'chai';
import { Session, User } from '../../src/models';
import { COOKIE_MODE, cookieHeader, cookieLogin, NAMES, setCookiesOf, valueOf } from '../support/cookies';
import { api, createUser, decode, loggedInUser, PASSWORD, uniqueEmail } from '../support/factories';

const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

describe('POST /auth/login with X-Auth-Transport: cookie', () => {
  it('sets HttpOnly access and refresh cookies and a readable CSRF cookie, with exact attributes', async () => {
    const { user } = await createUser();
    const response = await api(COOKIE_MODE)
      .post('/auth/login')
      .set('X-Auth-Transport', 'cookie')
      .send({ email: user.email, password: PASSWORD });

    expect(response.status).to.equal(200);
    const cookies = setCookiesOf(response);
    const access = valueOf(cookies.get(NAMES.access));
    const refresh = valueOf(cookies.get(NAMES.refresh));
    const { refresh_expires_in: refreshSeconds, csrf_token: csrf } = response.body;
    expect(cookies.get(NAMES.access)).to.equal(
      `${NAMES.access}=${access}; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(cookies.get(NAMES.refresh)).to.equal(
      `${NAMES.refresh}=${refresh}; Max-Age=${refreshSeconds}; Path=/auth/refresh; HttpOnly; Secure; SameSite=Lax`,
    );
    expect(cookies.get(NAMES.csrf)).to.equal(
      `${NAMES.csrf}=${csrf}; Max-Age=${refreshSeconds}; Path=/; Secure; SameSite=Lax`,
    );
    expect(cookies.size).to.equal(3);
    expect(decode(access).sub).to.equal(String(user.id));
    expect(await Session.count({ where: { userId: user.id, revokedAt: null } })).to.equal(1);
    expect(csrf).to.match(BASE64URL_32_BYTES);
  });

  it('leaves the tokens out of the body and adds csrf_token', async () => {
    const { user } = await createUser();
    const response = await api(COOKIE_MODE)
      .post('/auth/login')
      .set('X-Auth-Transport', 'Cookie')
      .send({ email: user.email, password: PASSWORD });
    expect(Object.keys(response.body).sort()).to.deep.equal(['csrf_token', 'expires_in', 'refresh_expires_in', 'user']);
    expect(response.body.user.email).to.equal(user.email);
    expect(response.body.expires_in).to.equal(900);
    expect(JSON.stringify(response.body)).to.not.include(valueOf(setCookiesOf(response).get(NAMES.access)));
  });

  it('names the cookies __Secure- and adds Domain when COOKIE_DOMAIN is set', async () => {
    const { user } = await createUser();
    const response = await api({ ...COOKIE_MODE, COOKIE_DOMAIN: 'example.com' })
      .post('/auth/login')
      .set('X-Auth-Transport', 'cookie')
      .send({ email: user.email, password: PASSWORD });
    const cookies = setCookiesOf(response);
    expect([...cookies.keys()]).to.deep.equal([
      '__Secure-access_token',
      '__Secure-refresh_token',
      '__Secure-csrf_token',
    ]);
    expect(cookies.get('__Secure-access_token')).to.match(
      /; Max-Age=900; Domain=example\.com; Path=\/; HttpOnly; Secure;/,
    );
  });

  it('drops Secure and the name prefixes when COOKIE_SECURE=false (localhost development)', async () => {
    const { user } = await createUser();
    const response = await api({ ...COOKIE_MODE, COOKIE_SECURE: 'false' })
      .post('/auth/login')
      .set('X-Auth-Transport', 'cookie')
      .send({ email: user.email, password: PASSWORD });
    const cookies = setCookiesOf(response);
    expect([...cookies.keys()]).to.deep.equal(['access_token', 'refresh_token', 'csrf_token']);
    for (const header of cookies.values()) expect(header).to.not.include('Secure');
  });

  it('changes nothing without the header: tokens in the body, no cookies', async () => {
    const { user } = await createUser();
    const response = await api(COOKIE_MODE).post('/auth/login').send({ email: user.email, password: PASSWORD });
    expect(response.status).to.equal(200);
    expect(response.body).to.include.keys('access_token', 'refresh_token');
    expect(response.body).to.not.have.property('csrf_token');
    expect(response.headers).to.not.have.property('set-cookie');
  });

  it('returns 400 COOKIE_MODE_DISABLED when COOKIE_MODE is off, before checking the password', async () => {
    const email = uniqueEmail();
    const response = await api().post('/auth/login').set('X-Auth-Transport', 'cookie').send({ email, password: 'x' });
    expect(response.status).to.equal(400);
    expect(response.body.error.code).to.equal('COOKIE_MODE_DISABLED');
    expect(response.headers).to.not.have.property('set-cookie');
  });

  it('returns 400 BAD_REQUEST for any other X-Auth-Transport value', async () => {
    const { user } = await createUser();
    const response = await api(COOKIE_MODE)
      .post('/auth/login')
      .set('X-Auth-Transport', 'bearer')
      .send({ email: user.email, password: PASSWORD });
    expect(response.status).to.equal(400);
    expect(response.body.error).to.deep.equal({
      code: 'BAD_REQUEST',
      message: 'X-Auth-Transport must be "cookie" or absent.',
    });
  });
});

describe('POST /auth/signup with X-Auth-Transport: cookie', () => {
  it('returns 201 with the user, sets the three cookies, and no tokens in the body', async () => {
    const email = uniqueEmail();
    const response = await api(COOKIE_MODE)
      .post('/auth/signup')
      .set('X-Auth-Transport', 'cookie')
      .send({ email, password: PASSWORD, name: 'Cookie Eater' });
    expect(response.status).to.equal(201);
    expect(Object.keys(response.body).sort()).to.deep.equal(['csrf_token', 'expires_in', 'refresh_expires_in', 'user']);
    expect([...setCookiesOf(response).keys()]).to.deep.equal([NAMES.access, NAMES.refresh, NAMES.csrf]);
    expect(valueOf(setCookiesOf(response).get(NAMES.csrf))).to.equal(response.body.csrf_token);
  });

  it('returns 400 COOKIE_MODE_DISABLED without creating the account when COOKIE_MODE is off', async () => {
    const email = uniqueEmail();
    const response = await api()
      .post('/auth/signup')
      .set('X-Auth-Transport', 'cookie')
      .send({ email, password: PASSWORD, name: 'Nobody' });
    expect(response.body.error.code).to.equal('COOKIE_MODE_DISABLED');
    expect(await User.count({ where: { email } })).to.equal(0);
  });
});

describe('GET /auth/user with the access cookie', () => {
  it('returns 200 with the cookie alone, no CSRF token needed on a safe method', async () => {
    const { user, access } = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .get('/auth/user')
      .set('Cookie', cookieHeader({ [NAMES.access]: access }));
    expect(response.status).to.equal(200);
    expect(response.body.user.email).to.equal(user.email);
  });

  it('returns 401 UNAUTHENTICATED when COOKIE_MODE is off: cookies are never read', async () => {
    const { access } = await cookieLogin();
    const response = await api()
      .get('/auth/user')
      .set('Cookie', cookieHeader({ [NAMES.access]: access }));
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('UNAUTHENTICATED');
  });

  it('returns 401 UNAUTHENTICATED for a cookie under another name (no __Host- prefix)', async () => {
    const { access } = await cookieLogin();
    const response = await api(COOKIE_MODE).get('/auth/user').set('Cookie', `access_token=${access}`);
    expect(response.body.error.code).to.equal('UNAUTHENTICATED');
  });

  it('returns 401 TOKEN_INVALID for a garbage cookie', async () => {
    const response = await api(COOKIE_MODE)
      .get('/auth/user')
      .set('Cookie', cookieHeader({ [NAMES.access]: 'garbage' }));
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_INVALID');
  });

  it('lets the Authorization header win: a valid header with a garbage cookie is 200', async () => {
    const { user, accessToken } = await loggedInUser();
    const response = await api(COOKIE_MODE)
      .get('/auth/user')
      .set('Authorization', `Bearer ${accessToken}`)
      .set('Cookie', cookieHeader({ [NAMES.access]: 'garbage' }));
    expect(response.status).to.equal(200);
    expect(response.body.user.id).to.equal(user.id);
  });

  it('lets the Authorization header win: an invalid header with a valid cookie is 401', async () => {
    const { access } = await cookieLogin();
    const response = await api(COOKIE_MODE)
      .get('/auth/user')
      .set('Authorization', 'Bearer not.a.token')
      .set('Cookie', cookieHeader({ [NAMES.access]: access }));
    expect(response.status).to.equal(401);
    expect(response.body.error.code).to.equal('TOKEN_INVALID');
  });
});
