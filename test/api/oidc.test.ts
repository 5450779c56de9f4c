import { expect } from 'chai';
import request from 'supertest';
import { Account, OidcCode, OidcLogin, User } from '../../src/models';
import { createUser, PASSWORD, uniqueEmail } from '../support/factories';
import { Browser, FRONT_END, providerKeys, startOidcApp, type OidcApp } from '../support/oidc-flow';
import { freePort, startTestProvider, type TestProvider } from '../support/oidc-provider';

describe('OpenID Connect sign-in against a real provider', () => {
  let app: OidcApp;
  let provider: TestProvider;
  let latePort: number;

  const settings = () => ({
    OIDC_PROVIDERS: 'test,late',
    ...providerKeys('test', provider.issuer),
    ...providerKeys('late', `http://127.0.0.1:${latePort}`),
    COOKIE_MODE: 'true',
  });
  const http = () => request(app.publicUrl);
  const exchange = (code: string) => http().post('/auth/oidc/exchange').send({ code });
  const failuresLogged = () => app.logLines.filter((line) => line.msg === 'oidc sign-in failed');

  before(async () => {
    app = await startOidcApp();
    latePort = await freePort();
    provider = await startTestProvider([
      `${app.publicUrl}/auth/oidc/test/callback`,
      `${app.publicUrl}/auth/oidc/late/callback`,
    ]);
    app.configure(settings());
  });

  after(async () => {
    await provider.close();
    await app.close();
  });

  afterEach(() => {
    provider.misbehave.swapNonce = false;
    provider.misbehave.breakIdTokenSignature = false;
  });

  describe('GET /auth/oidc/:provider/login', () => {
    it('redirects to the authorization endpoint with code, PKCE S256, state and nonce, bound by a cookie', async () => {
      const start = await new Browser(app).startSignIn();
      expect(start.status).to.equal(302);
      const location = new URL(start.location);
      expect(`${location.origin}${location.pathname}`).to.equal(`${provider.issuer}/auth`);
      const query = location.searchParams;
      expect(query.get('response_type')).to.equal('code');
      expect(query.get('code_challenge_method')).to.equal('S256');
      expect(query.get('code_challenge')).to.match(/^[\w-]{43}$/);
      expect(query.get('state')).to.match(/^[\w-]{20,}$/);
      expect(query.get('nonce')).to.match(/^[\w-]{20,}$/);
      expect(query.get('redirect_uri')).to.equal(`${app.publicUrl}/auth/oidc/test/callback`);
      expect(query.get('scope')).to.equal('openid email profile');
      const cookie = start.setCookies.find((line) => line.includes('oidc_binding=')) ?? '';
      expect(cookie).to.match(/^__Host-oidc_binding=[\w-]{43};/);
      expect(cookie).to.include('Max-Age=600').and.include('HttpOnly').and.include('SameSite=Lax').and.include('Path=/');
      expect(cookie).to.include('Secure');
      // The row holds a hash of the cookie's value, never the value itself.
      const value = /oidc_binding=([\w-]+)/.exec(cookie)?.[1] ?? '';
      expect(await OidcLogin.count({ where: { idHash: value } })).to.equal(0);
    });
  });

  describe('the whole flow', () => {
    it('creates a user without a password for a new identity; the code exchanges for what login answers', async () => {
      const person = provider.addAccount({ emailVerified: true, name: 'Grace Hopper' });
      const result = await new Browser(app).signIn(person);
      expect(`${result.origin}${result.pathname}`).to.equal(FRONT_END);
      const code = result.searchParams.get('code') ?? '';
      expect(code).to.match(/^[\w-]{43}$/);
      expect([...result.searchParams.keys()]).to.deep.equal(['code']);

      const exchanged = await exchange(code);
      expect(exchanged.status, exchanged.text).to.equal(200);
      expect(Object.keys(exchanged.body).sort()).to.deep.equal(
        ['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type', 'user'].sort(),
      );
      expect(exchanged.body.user).to.include({ email: person.email, name: 'Grace Hopper' });
      const user = await User.findOne({ where: { email: person.email }, raw: true });
      expect(user?.passwordHash).to.equal(null);
      expect(user?.emailVerified).to.be.instanceOf(Date);
      const link = await Account.findOne({ where: { provider: 'test', providerAccountId: person.sub }, raw: true });
      expect(link?.userId).to.equal(user?.id);
      const me = await http().get('/auth/user').set('Authorization', `Bearer ${exchanged.body.access_token as string}`);
      expect(me.status).to.equal(200);
      expect(me.body.user.id).to.equal(user?.id);
      const byPassword = await http().post('/auth/login').send({ email: person.email, password: PASSWORD });
      expect(byPassword.body.error.code).to.equal('INVALID_CREDENTIALS');
    });
  });
});
